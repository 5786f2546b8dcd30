-- +goose Up
-- Which of a case's companies the reporter named (they see those by the name they gave); a
-- company the secretariat added is shown to them without a name. Added companies were audited
-- as case.company_add, which tells the existing rows apart.
ALTER TABLE case_companies ADD COLUMN named_by_reporter BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE case_companies SET named_by_reporter = FALSE WHERE id IN (
    SELECT (detail::jsonb ->> 'company')::bigint FROM audit_log WHERE action = 'case.company_add');

-- A reporter wrote after their case ended (closed, not accepted, withdrawn): the desk sees it
-- until a handler marks it handled. NULL: nothing waiting.
ALTER TABLE cases ADD COLUMN reporter_wrote_after_end_at TIMESTAMPTZ;
CREATE INDEX cases_reporter_wrote_after_end ON cases (reporter_wrote_after_end_at) WHERE reporter_wrote_after_end_at IS NOT NULL;

-- A message typed while the reporter's session ran out, kept until they sign in to the same case
-- again: sealed with the case's key, found by the keyed hash of a random token in a cookie.
CREATE TABLE reporter_drafts (
    token_hash  BYTEA PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    created_at  TIMESTAMPTZ NOT NULL,
    body_sealed BYTEA NOT NULL
);

-- The one-time token of a report form (web) or an Idempotency-Key (API), by keyed hash: sending
-- the same form again answers with the case it filed. receipt_sealed is the receipt sealed under
-- a key derived from the token itself, which only the reporter's browser holds; it is dropped
-- after a short while, the row itself later.
CREATE TABLE filing_tokens (
    token_hash     BYTEA PRIMARY KEY,
    case_id        BIGINT NOT NULL REFERENCES cases (id),
    created_at     TIMESTAMPTZ NOT NULL,
    receipt_sealed BYTEA
);
CREATE INDEX filing_tokens_created ON filing_tokens (created_at);

-- +goose Down
DROP TABLE filing_tokens;
DROP TABLE reporter_drafts;
DROP INDEX cases_reporter_wrote_after_end;
ALTER TABLE cases DROP COLUMN reporter_wrote_after_end_at;
ALTER TABLE case_companies DROP COLUMN named_by_reporter;
