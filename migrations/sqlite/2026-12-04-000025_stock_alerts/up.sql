-- Low-stock alerts (#26): one per part and location while it runs low (less
-- free than its minimum, or less on hand than promised), opened and closed in
-- the transaction of the movement, reservation or minimum that changed it.
-- For the administrators who buy and load, not a customer's reminder.
CREATE TABLE stock_alerts (
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    part_id TEXT NOT NULL REFERENCES parts(id),
    since TIMESTAMP NOT NULL,
    PRIMARY KEY (location_id, part_id)
);
