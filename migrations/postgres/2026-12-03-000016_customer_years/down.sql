DROP TABLE customer_years;
