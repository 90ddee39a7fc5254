-- Operations (#10). The audit trail: every change a request asked for, who asked,
-- when and from where, and how it was answered. Kept apart from the data it
-- describes: erasing a customer leaves the trail (it holds no personal data
-- beyond staff ids and addresses).
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    request_id TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    address TEXT NOT NULL,
    forwarded_for TEXT,
    user_agent TEXT
);
-- Ids are time-ordered: the newest first is the primary key read backwards.
CREATE INDEX audit_events_user ON audit_events(user_id, id);
