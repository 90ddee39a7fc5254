-- One counter a year: taken in the certifying transaction, so a number is used
-- only if the certificate is committed, and numbers have no gaps.
CREATE TABLE certificate_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number INTEGER NOT NULL
);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL,
    work_order_id TEXT NOT NULL REFERENCES work_orders(id),
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    file_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    locale TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX certificates_order ON certificates(work_order_id, created_at);

ALTER TABLE notifications ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
