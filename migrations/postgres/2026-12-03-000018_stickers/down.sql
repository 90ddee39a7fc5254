DROP TABLE service_requests;
CREATE TABLE customer_links (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id),
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO customer_links (customer_id, version, updated_at)
    SELECT entity_id, version, updated_at FROM link_versions WHERE kind = 'papers';
DROP TABLE link_versions;
