-- Parts used at visits (#26), one row per visit and catalogue part, written
-- when the visit is finished: what the analytics of consumption and margin
-- add up. `month` is the company's local month of the visit (YYYY-MM), so a
-- month is counted in the company's zone, not in UTC; revenue and cost are
-- the line's totals in minor units of `currency`.
CREATE TABLE parts_used (
    visit_id TEXT NOT NULL REFERENCES visits(id),
    part_id TEXT NOT NULL REFERENCES parts(id),
    work_order_id TEXT NOT NULL REFERENCES work_orders(id),
    engineer_id TEXT NOT NULL REFERENCES users(id),
    used_at TIMESTAMP NOT NULL,
    month TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (visit_id, part_id)
);
CREATE INDEX parts_used_at ON parts_used(used_at);
