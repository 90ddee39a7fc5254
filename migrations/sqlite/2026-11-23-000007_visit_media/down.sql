ALTER TABLE visits DROP COLUMN customer_comment;
ALTER TABLE visits DROP COLUMN customer_rating;
ALTER TABLE visits DROP COLUMN recommendations;
DROP TABLE client_requests;
DROP TABLE visit_files;
