-- +goose Up
-- A reporter who logged in with their receipt holds a random session token; only its hash is kept.
CREATE TABLE reporter_sessions (
    token_hash   BLOB PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX reporter_sessions_case ON reporter_sessions (case_id);

-- The copy of an image that may be shared beyond the secretariat, with its metadata removed.
ALTER TABLE attachments ADD COLUMN shareable_sealed BLOB;

-- +goose Down
DROP TABLE reporter_sessions;
ALTER TABLE attachments DROP COLUMN shareable_sealed;
