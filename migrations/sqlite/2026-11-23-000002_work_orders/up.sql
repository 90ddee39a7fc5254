CREATE TABLE agreements (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    amount BIGINT,
    currency TEXT NOT NULL,
    percent DOUBLE,
    valid_until DATE,
    follow_up_on DATE,
    status TEXT NOT NULL,
    honoured_work_order_id TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_customer ON agreements(customer_id);

CREATE TABLE reminders (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_on DATE NOT NULL,
    note TEXT,
    equipment_id TEXT REFERENCES equipment(id),
    agreement_id TEXT REFERENCES agreements(id),
    work_order_id TEXT,
    converted_work_order_id TEXT,
    snoozed_until DATE,
    dismiss_reason TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reminders_inbox ON reminders(status, due_on, id);
CREATE INDEX reminders_customer ON reminders(customer_id);

CREATE TABLE work_orders (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    equipment_ids TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    scope_lines TEXT NOT NULL,
    total BIGINT NOT NULL,
    currency TEXT NOT NULL,
    estimated_minutes INTEGER,
    required_skills TEXT NOT NULL,
    engineer_notes TEXT,
    time_wishes TEXT,
    reminder_id TEXT REFERENCES reminders(id),
    status_reason TEXT,
    postponed_until DATE,
    postponed_from TEXT,
    completion_summary TEXT,
    next_step TEXT,
    version BIGINT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX work_orders_customer ON work_orders(customer_id);
CREATE INDEX work_orders_status ON work_orders(status, id);

CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    work_order_id TEXT NOT NULL REFERENCES work_orders(id),
    engineer_id TEXT NOT NULL REFERENCES users(id),
    planned_start TIMESTAMP NOT NULL,
    planned_end TIMESTAMP NOT NULL,
    on_site_contact_id TEXT REFERENCES contacts(id),
    status TEXT NOT NULL,
    travel_started_at TIMESTAMP,
    arrived_at TIMESTAMP,
    finished_at TIMESTAMP,
    outcome TEXT,
    result_notes TEXT,
    lines_done TEXT NOT NULL,
    parts_used TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX visits_engineer_day ON visits(engineer_id, planned_start);
CREATE INDEX visits_work_order ON visits(work_order_id);
