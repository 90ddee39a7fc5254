DROP TABLE login_failures;
ALTER TABLE visits DROP COLUMN booking_version;
ALTER TABLE client_requests DROP COLUMN body_hash;
