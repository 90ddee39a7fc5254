-- The customer's papers link (#24): the version its tokens carry. The office
-- withdraws every link it gave out by moving the version on.
CREATE TABLE customer_links (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id),
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
