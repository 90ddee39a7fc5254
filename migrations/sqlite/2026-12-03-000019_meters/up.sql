-- Meters on equipment and their readings (#25): litres through a filter,
-- operating hours, a gauge's level. A cumulative meter only grows unless a
-- reading says `reset`; one value per meter and moment.
CREATE TABLE meters (
    id TEXT PRIMARY KEY NOT NULL,
    equipment_id TEXT NOT NULL REFERENCES equipment(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    unit TEXT NOT NULL,
    name TEXT,
    low REAL,
    high REAL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meters_equipment ON meters(equipment_id);
CREATE INDEX meters_customer ON meters(customer_id);

CREATE TABLE meter_readings (
    id TEXT PRIMARY KEY NOT NULL,
    meter_id TEXT NOT NULL REFERENCES meters(id),
    value REAL NOT NULL,
    read_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX meter_readings_moment ON meter_readings(meter_id, read_at);
