DROP TABLE notification_templates;
DROP TABLE notification_attempts;
DROP TABLE notifications;
ALTER TABLE visits DROP COLUMN customer_responded_at;
ALTER TABLE visits DROP COLUMN customer_response_note;
ALTER TABLE visits DROP COLUMN customer_response;
ALTER TABLE contacts DROP COLUMN locale;
ALTER TABLE contacts DROP COLUMN opted_out;
