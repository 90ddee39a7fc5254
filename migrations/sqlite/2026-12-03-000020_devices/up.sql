-- Devices that send meter readings on their own (#25). A device's key is
-- derived from the server's secret and its id, so nothing secret is stored;
-- revoking it refuses its requests from then on. The signatures seen in the
-- last minutes refuse a replayed request.
CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    equipment_id TEXT NOT NULL REFERENCES equipment(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    revoked_at TIMESTAMP,
    last_seen_at TIMESTAMP,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX devices_equipment ON devices(equipment_id);

CREATE TABLE device_signatures (
    device_id TEXT NOT NULL REFERENCES devices(id),
    signature TEXT NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (device_id, signature)
);
CREATE INDEX device_signatures_seen ON device_signatures(seen_at);
