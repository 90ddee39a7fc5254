DROP TABLE analytics_days;
DROP INDEX reminders_converted;
DROP INDEX work_orders_ledger;
CREATE INDEX work_orders_ledger ON work_orders(customer_id, completed_at, total);
ALTER TABLE work_orders DROP COLUMN previous_completed_at;
DROP TABLE customer_totals;
