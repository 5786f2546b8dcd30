-- +goose Up
-- Notifications (issue 11). A change someone must hear about writes one outbox row per
-- recipient in the same transaction as the change and its audit entry; the worker delivers it.
-- A row names its recipient (a user, or the case's reporter) but holds no address: the address
-- is read at delivery (users.email, or reporter_addresses opened with the case key), so a
-- disabled user or a reporter who removed their address gets nothing more. No row holds case
-- content: the kind of event, the case's reference, and the language of the mail.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE, -- the same event is never queued twice for one recipient
    kind            TEXT NOT NULL,
    case_id         INTEGER REFERENCES cases (id),
    referral_id     INTEGER REFERENCES referrals (id), -- a member's notice links to its referral
    reference       TEXT NOT NULL DEFAULT '',
    user_id         INTEGER REFERENCES users (id),
    to_reporter     BOOLEAN NOT NULL DEFAULT 0,
    language        TEXT NOT NULL,
    digest          BOOLEAN NOT NULL DEFAULT 0, -- waits for the recipient's daily digest
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   TIMESTAMP, -- a worker is sending it; after this, another may try again
    sent_at         TIMESTAMP, -- the SMTP server accepted it
    failed_at       TIMESTAMP, -- given up (after three days of retries); shown to the admin
    last_error      TEXT NOT NULL DEFAULT '', -- a class of error, never a server's words
    CHECK ((user_id IS NULL) = to_reporter)
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_case ON outbox (case_id);

-- Every event queued once, whatever its recipients: a timer that finds the same overdue case
-- again on its next round stops here, cheaply, and writes no second audit entry.
CREATE TABLE notice_events (
    key        TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

-- One row per lease: the instance whose holder is written here until `expires_at` runs the worker.
CREATE TABLE outbox_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Each user's choice: every notification at once, a daily digest, or none (a handler's daily
-- digest of overdue cases stays on). Language: the mails' language (a staff language).
CREATE TABLE notice_prefs (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    mode       TEXT NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
    language   TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A reporter's address for "there is news on your case", sealed with the case key like their
-- identity; deleting the row removes it.
CREATE TABLE reporter_addresses (
    case_id        INTEGER PRIMARY KEY REFERENCES cases (id),
    address_sealed BLOB NOT NULL,
    added_at       TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE reporter_addresses;
DROP TABLE notice_prefs;
DROP TABLE outbox_leases;
DROP TABLE notice_events;
DROP TABLE outbox;
