-- Analytics at scale (#9). Each customer's completed orders added up, kept in the
-- transaction that completes an order, so the customer ledger reads one row per
-- customer and, for the period, only the orders completed since it began.
CREATE TABLE customer_totals (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id),
    first_completed_at TIMESTAMP NOT NULL,
    last_completed_at TIMESTAMP NOT NULL,
    orders BIGINT NOT NULL,
    revenue BIGINT NOT NULL
);
-- The customer's completed order before this one: the smallest of these among
-- the orders completed since an instant is the customer's last order before it.
ALTER TABLE work_orders ADD COLUMN previous_completed_at TIMESTAMP;
UPDATE work_orders SET previous_completed_at = (
    SELECT MAX(p.completed_at) FROM work_orders p
    WHERE p.customer_id = work_orders.customer_id AND p.completed_at < work_orders.completed_at
) WHERE completed_at IS NOT NULL;
INSERT INTO customer_totals (customer_id, first_completed_at, last_completed_at, orders, revenue)
SELECT customer_id, MIN(completed_at), MAX(completed_at), COUNT(*), SUM(total)
FROM work_orders WHERE completed_at IS NOT NULL GROUP BY customer_id;
-- The ledger reads each customer's orders since the period began from here.
DROP INDEX work_orders_ledger;
CREATE INDEX work_orders_ledger ON work_orders(customer_id, completed_at, total, previous_completed_at);
-- The orders a reminder became, to forget the funnel's day when one moves on.
CREATE INDEX reminders_converted ON reminders(converted_work_order_id, created_at);

-- The reports' sums for one settled UTC day, kept after they are first read.
-- Writes forget the days they touch; see store::rollups.
CREATE TABLE analytics_days (
    day DATE NOT NULL,
    name TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (day, name)
);
