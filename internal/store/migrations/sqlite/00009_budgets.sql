-- +goose Up
-- Shared token buckets (receipt guesses, filings, attachment bytes, used proof-of-work
-- challenges), so that every instance on one database spends one budget. A source appears only
-- as a keyed hash of its network prefix; a row whose bucket would be full again by expires_us is
-- the same as no row and is deleted.
CREATE TABLE budgets (
    key        BLOB PRIMARY KEY,
    tokens     REAL NOT NULL,
    at_us      INTEGER NOT NULL,
    expires_us INTEGER NOT NULL
);
CREATE INDEX budgets_expires ON budgets (expires_us);

-- A case counts in the public statistics once screening has let it through: accepted, or not
-- accepted for a reason other than abusive or duplicate. A flood of junk filings moves no public
-- figure before (or after) a handler declines it.
ALTER TABLE cases ADD COLUMN public BOOLEAN NOT NULL DEFAULT 0;
UPDATE cases SET public = 1 WHERE EXISTS (
    SELECT 1 FROM stage_events e WHERE e.case_id = cases.id AND e.referral_id IS NULL
    AND (e.to_stage = 'accepted' OR (e.to_stage = 'not_accepted' AND e.code NOT IN ('abusive', 'duplicate'))))
-- Imported history counts as the mechanism that recorded it counted it.
OR EXISTS (SELECT 1 FROM import_sources i WHERE i.case_id = cases.id);

-- +goose Down
ALTER TABLE cases DROP COLUMN public;
DROP TABLE budgets;
