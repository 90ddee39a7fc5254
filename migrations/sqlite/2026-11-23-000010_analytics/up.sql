-- Analytics (#9). A work order's kind (service, installation or repair) and the
-- moments it reached its milestones, kept on the row so that metrics over a million
-- orders read one table instead of the event log. Earlier orders take them from
-- their events.
ALTER TABLE work_orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'service';
ALTER TABLE work_orders ADD COLUMN agreed_at TIMESTAMP;
ALTER TABLE work_orders ADD COLUMN scheduled_at TIMESTAMP;
ALTER TABLE work_orders ADD COLUMN completed_at TIMESTAMP;

UPDATE work_orders SET agreed_at = (
    SELECT MIN(e.occurred_at) FROM events e
    WHERE e.entity_type = 'work_order' AND e.entity_id = work_orders.id AND e.action = 'agree'
);
UPDATE work_orders SET agreed_at = created_at
    WHERE agreed_at IS NULL AND status NOT IN ('new', 'cancelled', 'postponed');
UPDATE work_orders SET scheduled_at = (
    SELECT MIN(e.occurred_at) FROM events e
    WHERE e.entity_type = 'work_order' AND e.entity_id = work_orders.id AND e.action = 'schedule'
);
UPDATE work_orders SET completed_at = (
    SELECT MIN(e.occurred_at) FROM events e
    WHERE e.entity_type = 'work_order' AND e.entity_id = work_orders.id AND e.action = 'finish'
);
UPDATE work_orders SET completed_at = updated_at
    WHERE completed_at IS NULL AND status IN ('work_done', 'certified', 'closed');

-- Each customer's completed orders in time order, with their totals: the ledger
-- that customer dynamics, lifetime value and RFM read without touching the table.
CREATE INDEX work_orders_ledger ON work_orders(customer_id, completed_at, total);
-- The period's orders and visits, in time order with what the reports read, so
-- that a report reads the index alone, not a million rows spread over the table.
CREATE INDEX work_orders_completed ON work_orders(completed_at, kind, total, created_by, site_id, id);
CREATE INDEX work_orders_created ON work_orders(created_at, kind, total);
CREATE INDEX reminders_created ON reminders(created_at, converted_work_order_id);
CREATE INDEX visits_planned ON visits(planned_start, status);
DROP INDEX visits_engineer_day;
CREATE INDEX visits_engineer_day ON visits(engineer_id, planned_start, status, outcome, arrived_at,
    planned_end, finished_at, customer_rating, work_order_id);
-- Customers with an open order ("at risk" leaves them out).
CREATE INDEX work_orders_open ON work_orders(status, customer_id);
DROP INDEX visits_work_order;
CREATE INDEX visits_work_order ON visits(work_order_id, status, outcome, engineer_id);
CREATE INDEX work_orders_site ON work_orders(site_id, created_at);

-- Saved filters over customers, for counts, analytics and mass messages.
CREATE TABLE segments (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A mass message to a segment; its messages are in the outbox with its id.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY NOT NULL,
    segment_id TEXT NOT NULL REFERENCES segments(id),
    channel TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    customers INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE notifications ADD COLUMN campaign_id TEXT;
CREATE INDEX notifications_campaign ON notifications(campaign_id);

-- "Would you recommend us?": one question to one contact, and the answer (0 to 10).
CREATE TABLE surveys (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    contact_id TEXT REFERENCES contacts(id),
    asked_at TIMESTAMP NOT NULL,
    score INTEGER,
    comment TEXT,
    answered_at TIMESTAMP
);
CREATE INDEX surveys_customer ON surveys(customer_id, asked_at);
CREATE INDEX surveys_answered ON surveys(answered_at);
