DROP TABLE stock_reservations;
ALTER TABLE stock_levels DROP COLUMN reserved;
