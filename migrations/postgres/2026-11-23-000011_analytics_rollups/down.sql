DROP TABLE analytics_days;
DROP INDEX reminders_converted;
DROP INDEX work_orders_since;
ALTER TABLE work_orders DROP COLUMN previous_completed_at;
DROP TABLE customer_totals;
