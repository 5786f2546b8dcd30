-- +goose Up
-- Staff sign-in (issue 4): sessions kept in the database, a TOTP second factor and its recovery
-- codes. Tokens and recovery codes are stored only as keyed hashes; TOTP secrets only sealed
-- (seal.Keyring.SealSecret).

-- The TOTP secret once enrolled, the last time step a code was accepted for (a code is never
-- accepted twice), and whether an admin requires the second factor of a role that may do
-- without it (handlers and admins always need it).
ALTER TABLE users ADD COLUMN totp_secret_sealed BLOB;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN totp_required BOOLEAN NOT NULL DEFAULT false;

-- A session passes the second factor (totp_verified) after its password; a new token is issued
-- at each step. pending_totp_sealed holds the secret being enrolled until a code confirms it.
CREATE TABLE staff_sessions (
    token_hash          BLOB PRIMARY KEY,
    user_id             INTEGER NOT NULL REFERENCES users (id),
    created_at          TIMESTAMP NOT NULL,
    last_seen_at        TIMESTAMP NOT NULL,
    totp_verified       BOOLEAN NOT NULL DEFAULT false,
    pending_totp_sealed BLOB
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

CREATE TABLE staff_recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash BLOB NOT NULL,
    used_at   TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- +goose Down
DROP TABLE staff_recovery_codes;
DROP TABLE staff_sessions;
ALTER TABLE users DROP COLUMN totp_required;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_secret_sealed;
