-- Import (#10). The other system's id of every imported row, so that a second
-- import of the same source updates what the first wrote instead of adding it
-- again, and rows of later files find the rows they refer to.
CREATE TABLE import_keys (
    source TEXT NOT NULL,
    entity TEXT NOT NULL,
    external_id TEXT NOT NULL,
    id TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, entity, external_id)
);
