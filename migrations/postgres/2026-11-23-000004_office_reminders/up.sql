CREATE UNIQUE INDEX reminders_order_kind_due ON reminders(work_order_id, kind, due_on);
