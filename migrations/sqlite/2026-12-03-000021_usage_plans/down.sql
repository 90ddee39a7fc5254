ALTER TABLE reminders DROP COLUMN urgent;
DROP INDEX maintenance_plans_meter;
ALTER TABLE maintenance_plans DROP COLUMN forecast_at;
ALTER TABLE maintenance_plans DROP COLUMN forecast_on;
ALTER TABLE maintenance_plans DROP COLUMN baseline_total;
ALTER TABLE maintenance_plans DROP COLUMN every_units;
ALTER TABLE maintenance_plans DROP COLUMN meter_id;
ALTER TABLE meter_readings DROP COLUMN total;
