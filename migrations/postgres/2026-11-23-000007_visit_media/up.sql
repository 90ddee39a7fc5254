-- Photos and the customer's signature, stored by hash in the file store.
CREATE TABLE visit_files (
    id TEXT PRIMARY KEY NOT NULL,
    visit_id TEXT NOT NULL REFERENCES visits(id),
    kind TEXT NOT NULL,
    file_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes BIGINT NOT NULL,
    client_id TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visit_files_visit ON visit_files(visit_id, created_at);
CREATE UNIQUE INDEX visit_files_client ON visit_files(created_by, client_id);

-- Requests a phone sent with its own id: a resend after a lost answer is answered, not repeated.
CREATE TABLE client_requests (
    user_id TEXT NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    work_order_id TEXT NOT NULL REFERENCES work_orders(id),
    action TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

ALTER TABLE visits ADD COLUMN recommendations TEXT;
ALTER TABLE visits ADD COLUMN customer_rating INTEGER;
ALTER TABLE visits ADD COLUMN customer_comment TEXT;
