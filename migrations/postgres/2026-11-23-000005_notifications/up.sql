ALTER TABLE contacts ADD COLUMN opted_out TEXT NOT NULL DEFAULT '[]';
ALTER TABLE contacts ADD COLUMN locale TEXT;

ALTER TABLE visits ADD COLUMN customer_response TEXT;
ALTER TABLE visits ADD COLUMN customer_response_note TEXT;
ALTER TABLE visits ADD COLUMN customer_responded_at TIMESTAMP;

-- The outbox. While a message is `sending`, next_attempt_at is the end of the
-- claiming worker's lease: one "due" test serves new work and reclaimed work.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    customer_id TEXT REFERENCES customers(id),
    contact_id TEXT REFERENCES contacts(id),
    work_order_id TEXT REFERENCES work_orders(id),
    visit_id TEXT REFERENCES visits(id),
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    locale TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    claimed_by TEXT,
    provider_id TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX notifications_status ON notifications(status, id);
CREATE INDEX notifications_customer ON notifications(customer_id, id);
CREATE INDEX notifications_order ON notifications(work_order_id);

CREATE TABLE notification_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    number INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    provider_id TEXT
);
CREATE INDEX notification_attempts_of ON notification_attempts(notification_id, number);

CREATE TABLE notification_templates (
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    updated_by TEXT REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event, channel, locale)
);
