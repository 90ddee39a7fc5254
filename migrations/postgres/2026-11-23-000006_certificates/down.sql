ALTER TABLE notifications DROP COLUMN attachments;
DROP TABLE certificates;
DROP TABLE certificate_counters;
