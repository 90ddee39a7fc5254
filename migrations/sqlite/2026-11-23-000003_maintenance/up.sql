CREATE TABLE maintenance_plans (
    id TEXT PRIMARY KEY NOT NULL,
    equipment_id TEXT NOT NULL REFERENCES equipment(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    service_kind TEXT NOT NULL,
    scope_lines TEXT NOT NULL,
    estimated_minutes INTEGER,
    required_skills TEXT NOT NULL,
    lead_days INTEGER NOT NULL,
    notify_customer BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    ends_on DATE,
    recurrence_kind TEXT NOT NULL,
    rrule TEXT,
    starts_on DATE,
    every INTEGER,
    unit TEXT,
    last_completed_on DATE,
    next_due_on DATE,
    appear_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX maintenance_plans_equipment ON maintenance_plans(equipment_id);
CREATE INDEX maintenance_plans_customer ON maintenance_plans(customer_id);
CREATE INDEX maintenance_plans_appear ON maintenance_plans(appear_on, id);

ALTER TABLE reminders ADD COLUMN plan_id TEXT REFERENCES maintenance_plans(id);
CREATE UNIQUE INDEX reminders_plan_due ON reminders(plan_id, due_on);
