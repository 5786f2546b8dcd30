-- +goose Up
-- The key-encryption keys this database knows, by fingerprint (never the key): a server started
-- with another key refuses to start. root_wrapped holds the first key's receipt and token
-- subkeys, wrapped under this one after a rotation (NULL: this key is the first);
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

-- +goose Down
ALTER TABLE case_keys DROP COLUMN kek_id;
DROP TABLE key_fingerprints;
