-- +goose Up
-- The desk's inbox (store.Inbox) over a million cases. Open cases are a small share of them and
-- the desk lists them by deadline, so partial indexes over open cases carry each filter, the
-- deadline, the id and the stage: a page is read in order and its counts come from an index
-- alone. Their stage list must be inbox.go's openStageSQL, word for word, or no query can use
-- them (TestInboxIndexesListTheOpenStages).

-- The member, category and referral-stage filters live in other tables, so these carry a copy of
-- their case's stage and deadline. The triggers keep the copies in step in the transaction that
-- changes the case, whatever changes it; a row inserted without case_stage gets it from its case
-- (ImportCases fills it itself).
ALTER TABLE case_companies ADD COLUMN case_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE case_companies ADD COLUMN case_due_at TIMESTAMP;
ALTER TABLE case_categories ADD COLUMN case_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE case_categories ADD COLUMN case_due_at TIMESTAMP;
ALTER TABLE referrals ADD COLUMN case_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN case_due_at TIMESTAMP;

UPDATE case_companies SET case_stage = c.stage, case_due_at = c.due_at FROM cases c WHERE c.id = case_companies.case_id;
UPDATE case_categories SET case_stage = c.stage, case_due_at = c.due_at FROM cases c WHERE c.id = case_categories.case_id;
UPDATE referrals SET case_stage = c.stage, case_due_at = c.due_at FROM cases c WHERE c.id = referrals.case_id;

-- +goose StatementBegin
CREATE TRIGGER cases_inbox_copy AFTER UPDATE OF stage, due_at ON cases
WHEN OLD.stage IS NOT NEW.stage OR OLD.due_at IS NOT NEW.due_at
BEGIN
    UPDATE case_companies SET case_stage = NEW.stage, case_due_at = NEW.due_at WHERE case_id = NEW.id;
    UPDATE case_categories SET case_stage = NEW.stage, case_due_at = NEW.due_at WHERE case_id = NEW.id;
    UPDATE referrals SET case_stage = NEW.stage, case_due_at = NEW.due_at WHERE case_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_companies_inbox_copy AFTER INSERT ON case_companies WHEN NEW.case_stage = ''
BEGIN
    UPDATE case_companies SET (case_stage, case_due_at) = (SELECT stage, due_at FROM cases WHERE id = NEW.case_id)
    WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_categories_inbox_copy AFTER INSERT ON case_categories WHEN NEW.case_stage = ''
BEGIN
    UPDATE case_categories SET (case_stage, case_due_at) = (SELECT stage, due_at FROM cases WHERE id = NEW.case_id)
    WHERE case_id = NEW.case_id AND category = NEW.category;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER referrals_inbox_copy AFTER INSERT ON referrals WHEN NEW.case_stage = ''
BEGIN
    UPDATE referrals SET (case_stage, case_due_at) = (SELECT stage, due_at FROM cases WHERE id = NEW.case_id)
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

CREATE INDEX cases_open_due ON cases (due_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_received ON cases (received_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_id ON cases (id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_country ON cases (country, due_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_language ON cases (language, due_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_urgency ON cases (urgency, due_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_handler ON cases (handler_id, due_at, id, stage)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX case_companies_open ON case_companies (member_id, case_due_at, case_id, case_stage)
    WHERE case_stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX case_categories_open ON case_categories (category, case_due_at, case_id, case_stage)
    WHERE case_stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX referrals_open ON referrals (stage, case_due_at, case_id, case_stage)
    WHERE case_stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
-- Closed cases, newest first.
CREATE INDEX cases_stage_received ON cases (stage, received_at, id);

-- +goose Down
DROP INDEX cases_stage_received;
DROP INDEX referrals_open;
DROP INDEX case_categories_open;
DROP INDEX case_companies_open;
DROP INDEX cases_open_handler;
DROP INDEX cases_open_urgency;
DROP INDEX cases_open_language;
DROP INDEX cases_open_country;
DROP INDEX cases_open_id;
DROP INDEX cases_open_received;
DROP INDEX cases_open_due;
DROP TRIGGER referrals_inbox_copy;
DROP TRIGGER case_categories_inbox_copy;
DROP TRIGGER case_companies_inbox_copy;
DROP TRIGGER cases_inbox_copy;
ALTER TABLE referrals DROP COLUMN case_due_at;
ALTER TABLE referrals DROP COLUMN case_stage;
ALTER TABLE case_categories DROP COLUMN case_due_at;
ALTER TABLE case_categories DROP COLUMN case_stage;
ALTER TABLE case_companies DROP COLUMN case_due_at;
ALTER TABLE case_companies DROP COLUMN case_stage;
