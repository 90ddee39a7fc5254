DROP TABLE visits;
DROP TABLE work_orders;
DROP TABLE reminders;
DROP TABLE agreements;
