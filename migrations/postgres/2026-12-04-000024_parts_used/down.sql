DROP TABLE parts_used;
