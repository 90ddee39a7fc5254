-- Parts and stock (#26): the catalogue, the places stock is kept (warehouses
-- and engineers' vans), the quantity on hand per part and place, and the
-- ledger of every movement, never overwritten. Quantities are thousandths of
-- the part's unit, so a million rows add up exactly.
CREATE TABLE parts (
    id TEXT PRIMARY KEY NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    names TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    price BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    currency TEXT NOT NULL,
    compatible TEXT NOT NULL,
    barcode TEXT,
    search_text TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX parts_sku ON parts(sku);
CREATE UNIQUE INDEX parts_barcode ON parts(barcode) WHERE barcode IS NOT NULL;
CREATE INDEX parts_name ON parts(name);

CREATE TABLE stock_locations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    engineer_id TEXT REFERENCES users(id),
    address TEXT,
    allow_negative BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One van per engineer.
CREATE UNIQUE INDEX stock_locations_van ON stock_locations(engineer_id) WHERE engineer_id IS NOT NULL;

CREATE TABLE stock_levels (
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    part_id TEXT NOT NULL REFERENCES parts(id),
    on_hand BIGINT NOT NULL,
    minimum BIGINT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (location_id, part_id)
);
CREATE INDEX stock_levels_part ON stock_levels(part_id);

CREATE TABLE stock_movements (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT NOT NULL,
    part_id TEXT NOT NULL REFERENCES parts(id),
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    kind TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    on_hand_after BIGINT NOT NULL,
    reason TEXT,
    work_order_id TEXT REFERENCES work_orders(id),
    actor_id TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX stock_movements_part ON stock_movements(part_id, id);
CREATE INDEX stock_movements_location ON stock_movements(location_id, id);
CREATE INDEX stock_movements_order ON stock_movements(work_order_id) WHERE work_order_id IS NOT NULL;
