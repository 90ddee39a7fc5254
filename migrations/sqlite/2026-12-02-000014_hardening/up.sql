-- The security review's fixes (#21).

-- An Idempotency-Key is bound to the request it was first sent with.
ALTER TABLE client_requests ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';

-- A customer's link names the booking it was sent for; a reschedule moves it on.
ALTER TABLE visits ADD COLUMN booking_version INTEGER NOT NULL DEFAULT 1;

-- Failed sign-ins per (account, address) and per address, shared by every
-- instance: growing delays instead of a lock anyone could set on any account.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    first_failure TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);
CREATE INDEX login_failures_first ON login_failures(first_failure);
