-- Maintenance by use (#25). A reading's total counts through resets (the
-- counter's value plus what it had counted before it started again), so the
-- use since a service is one subtraction whatever happened in between.
ALTER TABLE meter_readings ADD COLUMN total REAL NOT NULL DEFAULT 0;
UPDATE meter_readings SET total = value;

-- A usage plan counts every_units of a meter from the total at its last
-- service (baseline_total); forecast_on is the day its readings say the next
-- threshold is crossed, worked out again as readings come (forecast_at).
ALTER TABLE maintenance_plans ADD COLUMN meter_id TEXT REFERENCES meters(id);
ALTER TABLE maintenance_plans ADD COLUMN every_units REAL;
ALTER TABLE maintenance_plans ADD COLUMN baseline_total REAL;
ALTER TABLE maintenance_plans ADD COLUMN forecast_on DATE;
ALTER TABLE maintenance_plans ADD COLUMN forecast_at TIMESTAMP;
CREATE INDEX maintenance_plans_meter ON maintenance_plans(meter_id) WHERE meter_id IS NOT NULL;

-- A threshold crossed far past makes an urgent reminder.
ALTER TABLE reminders ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT 0;
