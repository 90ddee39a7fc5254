-- Each customer's completed orders added up by UTC calendar year (#22), kept in
-- the transaction that completes an order: the revenue path of lifetime value
-- (each year's own revenue) reads a few rows per customer, and the few orders
-- between a UTC and a local New Year are moved to their local year when read.
CREATE TABLE customer_years (
    customer_id TEXT NOT NULL REFERENCES customers(id),
    year INTEGER NOT NULL,
    orders BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    PRIMARY KEY (customer_id, year)
);
INSERT INTO customer_years (customer_id, year, orders, revenue)
SELECT customer_id, CAST(EXTRACT(YEAR FROM completed_at) AS INTEGER), COUNT(*), CAST(SUM(total) AS BIGINT)
FROM work_orders WHERE completed_at IS NOT NULL GROUP BY customer_id, CAST(EXTRACT(YEAR FROM completed_at) AS INTEGER);
