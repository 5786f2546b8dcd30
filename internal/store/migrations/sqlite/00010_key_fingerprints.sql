-- +goose Up
-- The key-encryption keys this database knows, by fingerprint (never the key): a server started
-- with another key refuses to start. root_wrapped holds the first key's receipt and token
-- subkeys, wrapped under this one after a rotation (NULL: this key is the first);
-- next_wrapped is the next key, wrapped under this one, while a rotation runs.
CREATE TABLE key_fingerprints (
    kek_id       TEXT PRIMARY KEY,
    verifier     BLOB NOT NULL,
    root_wrapped BLOB,
    next_wrapped BLOB,
    created_at   TIMESTAMP NOT NULL
);
-- Which key wrapped a case key (NULL: the database's first key).
ALTER TABLE case_keys ADD COLUMN kek_id TEXT;

-- +goose Down
ALTER TABLE case_keys DROP COLUMN kek_id;
DROP TABLE key_fingerprints;
