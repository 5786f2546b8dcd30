-- +goose Up
-- The key-encryption keys this database knows, by fingerprint (never the key): a server started
-- with another key refuses to start. root_wrapped is the first key, from which receipt and token
-- hashes are derived, wrapped under this one after a rotation (NULL: this key is the root);
-- next_wrapped is the next key, wrapped under this one, while a rotation runs.
CREATE TABLE key_fingerprints (
    kek_id       TEXT PRIMARY KEY,
    verifier     BYTEA NOT NULL,
    root_wrapped BYTEA,
    next_wrapped BYTEA,
    created_at   TIMESTAMPTZ NOT NULL
);
-- Which key wrapped a case key (NULL: the database's first key).
ALTER TABLE case_keys ADD COLUMN kek_id TEXT;

-- Accounts an admin creates get no password: a one-time set-up link, and a handler account also
-- waits for another handler's approval before it can sign in.
ALTER TABLE users ADD COLUMN created_by BIGINT REFERENCES users (id);
ALTER TABLE users ADD COLUMN needs_approval BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN approved_by BIGINT REFERENCES users (id);
ALTER TABLE users ADD COLUMN approved_at TIMESTAMPTZ;
CREATE TABLE setup_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX setup_tokens_user ON setup_tokens (user_id);

-- +goose Down
DROP TABLE setup_tokens;
ALTER TABLE users DROP COLUMN approved_at;
ALTER TABLE users DROP COLUMN approved_by;
ALTER TABLE users DROP COLUMN needs_approval;
ALTER TABLE users DROP COLUMN created_by;
ALTER TABLE case_keys DROP COLUMN kek_id;
DROP TABLE key_fingerprints;
