DROP INDEX reminders_plan_due;
ALTER TABLE reminders DROP COLUMN plan_id;
DROP TABLE maintenance_plans;
