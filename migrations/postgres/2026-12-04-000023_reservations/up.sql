-- Reservations (#26): stock held for an agreed order at one location until
-- the visit issues it or the order lets it go. A level's `reserved` is the sum
-- of the reservations there: on hand, but promised; what is free is the rest.
ALTER TABLE stock_levels ADD COLUMN reserved BIGINT NOT NULL DEFAULT 0;

CREATE TABLE stock_reservations (
    work_order_id TEXT NOT NULL REFERENCES work_orders(id),
    part_id TEXT NOT NULL REFERENCES parts(id),
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    quantity BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (work_order_id, part_id)
);
CREATE INDEX stock_reservations_location ON stock_reservations(location_id, part_id);
