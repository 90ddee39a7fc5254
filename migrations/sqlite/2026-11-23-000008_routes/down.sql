DROP TABLE route_plans;
ALTER TABLE work_orders DROP COLUMN time_windows;
DROP TABLE calendar_feeds;
DROP TABLE engineer_profiles;
