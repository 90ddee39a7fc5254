ALTER TABLE reminders DROP COLUMN about_at;
