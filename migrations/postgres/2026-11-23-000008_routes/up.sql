-- What the day planner needs of an engineer: skills, working days and hours, the
-- lunch break, where the day starts and ends, and how many visits fit in it.
CREATE TABLE engineer_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    skills TEXT NOT NULL,
    work_days TEXT NOT NULL,
    shift_start TEXT NOT NULL,
    shift_end TEXT NOT NULL,
    break_start TEXT,
    break_minutes INTEGER NOT NULL,
    start_latitude DOUBLE PRECISION NOT NULL,
    start_longitude DOUBLE PRECISION NOT NULL,
    start_label TEXT,
    end_latitude DOUBLE PRECISION,
    end_longitude DOUBLE PRECISION,
    max_visits INTEGER,
    updated_at TIMESTAMP NOT NULL
);

-- The secret address of an engineer's iCalendar feed (its SHA-256; rotating it revokes the old one).
CREATE TABLE calendar_feeds (
    engineer_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- When the customer can have the visit: [{"start": …, "end": …}], UTC.
ALTER TABLE work_orders ADD COLUMN time_windows TEXT NOT NULL DEFAULT '[]';

-- A planner's proposal for one or more days, kept whole as the administrator saw it.
CREATE TABLE route_plans (
    id TEXT PRIMARY KEY NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    status TEXT NOT NULL,
    proposal TEXT NOT NULL,
    accepted_engineer_ids TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX route_plans_days ON route_plans(first_day, created_at);
