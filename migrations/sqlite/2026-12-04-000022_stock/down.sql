DROP TABLE stock_movements;
DROP TABLE stock_levels;
DROP TABLE stock_locations;
DROP TABLE parts;
