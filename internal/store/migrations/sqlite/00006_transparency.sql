-- +goose Up
-- Transparency (issue 5). Each stage event keeps how many whole days the stage it ended lasted
-- and whether that stage's deadline had passed, worked out when the move is made: statistics add
-- up integers instead of pairing events, and "in time" means what the deadline said then. Events
-- stored before this migration get their days from the event before them; whether they were in
-- time is not known (NULL) and statistics leave them out of the timeliness shares.
ALTER TABLE stage_events ADD COLUMN stage_days INTEGER;
ALTER TABLE stage_events ADD COLUMN overdue BOOLEAN;
UPDATE stage_events SET stage_days = w.days
FROM (SELECT id, CAST(julianday(at) - julianday(LAG(at) OVER (PARTITION BY case_id, referral_id ORDER BY id)) AS INTEGER) AS days
      FROM stage_events) AS w
WHERE w.id = stage_events.id AND stage_events.from_stage <> '';

-- Running counts per month for the statistics (internal/store/figures.go says what is counted).
-- The store fills the table from the stored cases at its first start after this migration.
CREATE TABLE figures (
    month   TEXT NOT NULL,
    measure TEXT NOT NULL,
    code    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (month, measure, code)
) WITHOUT ROWID;

-- What statistics read live (it changes): the current stage of the cases received and referrals
-- forwarded in a year, remedy types of referrals concluded in it, ratings of cases closed in it.
CREATE INDEX cases_received_stage ON cases (received_at, stage);
CREATE INDEX referrals_forwarded_at ON referrals (forwarded_at, member_id, stage);
CREATE INDEX referrals_concluded_at ON referrals (concluded_at, outcome, remedy_types) WHERE concluded_at IS NOT NULL;
CREATE INDEX cases_closed_rated ON cases (closed_at, satisfaction) WHERE satisfaction IS NOT NULL;

-- Stakeholder Panel members' opinions on a fiscal year, shown in that year's annual report. They
-- are about the mechanism, not about a case, so they are kept in clear.
CREATE TABLE panel_opinions (
    id          INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX panel_opinions_year ON panel_opinions (fiscal_year, id);

-- +goose Down
DROP TABLE panel_opinions;
DROP INDEX cases_closed_rated;
DROP INDEX cases_received_stage;
DROP TABLE figures;
DROP INDEX referrals_concluded_at;
DROP INDEX referrals_forwarded_at;
ALTER TABLE stage_events DROP COLUMN overdue;
ALTER TABLE stage_events DROP COLUMN stage_days;
