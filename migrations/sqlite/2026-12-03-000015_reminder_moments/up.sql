-- The moment a reminder the system raises is about (a visit's planned start,
-- the time work was done). Its note is written when it is read, in the
-- reader's time zone and language, instead of being stored as UTC text (#22).
ALTER TABLE reminders ADD COLUMN about_at TIMESTAMP;
