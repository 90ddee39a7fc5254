-- The company's settings as the owner saved them in the office (one row, id 'company');
-- they take the place of the same settings from the environment. `version` goes up
-- with each save, so that every instance notices and applies the change.
CREATE TABLE company_settings (
    id TEXT PRIMARY KEY NOT NULL,
    settings TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL
);
