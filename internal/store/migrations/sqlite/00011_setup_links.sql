-- +goose Up
-- Privilege separation (issue 10, item 11). Staff choose their own password through a one-time
-- set-up link, so that no administrator ever knows it. An account made for a link has an empty
-- password_hash until the link is used: it has no usable password (the store answers sign-in
-- with seal.NoPasswordHash for it, which nothing verifies against).
--
-- A link's token is kept only as a keyed hash (seal.Keyring.SetupLinkHash). It works once,
-- until expires_at; a newer link for the same user revokes the older ones. issued_to is the
-- audit log's name of who was shown the link (the admin, the approving handler or the system).
CREATE TABLE setup_links (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'password_reset')),
    token_hash BLOB NOT NULL UNIQUE,
    issued_to  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX setup_links_user ON setup_links (user_id);

-- What an administrator asks for that waits for a case handler other than the requester and the
-- account itself: a handler account's set-up or password reset link, and the second-factor reset
-- of an account that sees case content. decision stays NULL while it waits; 'withdrawn' is a
-- request replaced by a newer one of the same kind for the same account.
CREATE TABLE account_approvals (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL CHECK (kind IN ('setup', 'password_reset', 'totp_reset')),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TIMESTAMP,
    decision     TEXT CHECK (decision IN ('approved', 'refused', 'withdrawn')),
    CHECK (requested_by <> user_id)
);
CREATE INDEX account_approvals_user ON account_approvals (user_id);

-- +goose Down
DROP TABLE account_approvals;
DROP TABLE setup_links;
