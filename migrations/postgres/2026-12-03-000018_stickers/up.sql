-- Signed links the office can withdraw (#24): the version each kind of link
-- carries for one record. `papers` links name a customer, `sticker` links
-- (the QR code on a piece of equipment) name the equipment. Moving the
-- version on withdraws every link given out before.
CREATE TABLE link_versions (
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, entity_id)
);
INSERT INTO link_versions (kind, entity_id, version, updated_at)
    SELECT 'papers', customer_id, version, updated_at FROM customer_links;
DROP TABLE customer_links;

-- What a customer reported from a sticker: the reminder in the managers'
-- inbox holds the words; this row keeps the callback phone and the photo.
CREATE TABLE service_requests (
    reminder_id TEXT PRIMARY KEY NOT NULL REFERENCES reminders(id),
    equipment_id TEXT NOT NULL REFERENCES equipment(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    what TEXT NOT NULL,
    callback_phone TEXT,
    photo_key TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_requests_customer ON service_requests(customer_id);
