DROP INDEX reminders_order_kind_due;
