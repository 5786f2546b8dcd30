-- +goose Up
-- Columns ending in _sealed hold ciphertext made with the case's data key (internal/seal);
-- every other column is categorical metadata kept in clear for screening queues and statistics.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE members (
    id        INTEGER PRIMARY KEY,
    name_en   TEXT NOT NULL,
    name_ja   TEXT NOT NULL DEFAULT '',
    sector    TEXT NOT NULL DEFAULT '',
    joined_at TIMESTAMP NOT NULL,
    left_at   TIMESTAMP
);
CREATE UNIQUE INDEX members_name_en ON members (lower(name_en));

CREATE TABLE member_aliases (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('group_company', 'brand', 'supplier')),
    name      TEXT NOT NULL,
    PRIMARY KEY (member_id, kind, name)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('handler', 'admin', 'member', 'expert', 'panel')),
    member_id     INTEGER REFERENCES members (id),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    disabled_at   TIMESTAMP,
    CHECK ((role = 'member') = (member_id IS NOT NULL))
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE cases (
    id                     INTEGER PRIMARY KEY,
    reference              TEXT NOT NULL UNIQUE,
    receipt_hash           BLOB NOT NULL UNIQUE,
    received_at            TIMESTAMP NOT NULL,
    channel                TEXT NOT NULL,
    language               TEXT NOT NULL,
    reporter_type          TEXT NOT NULL,
    anonymous              BOOLEAN NOT NULL,
    consent_share_identity BOOLEAN NOT NULL,
    preferred_contact      TEXT NOT NULL,
    relation               TEXT NOT NULL,
    country                TEXT NOT NULL,
    people_affected        INTEGER NOT NULL,
    urgency                TEXT NOT NULL,
    fears_retaliation      BOOLEAN NOT NULL,
    raised_elsewhere       BOOLEAN NOT NULL,
    stage                  TEXT NOT NULL,
    stage_entered_at       TIMESTAMP NOT NULL,
    acknowledged_at        TIMESTAMP,
    last_reporter_news_at  TIMESTAMP NOT NULL,
    due_at                 TIMESTAMP,
    outcome                TEXT NOT NULL DEFAULT '',
    not_accepted_reason    TEXT NOT NULL DEFAULT '',
    closed_at              TIMESTAMP,
    handler_id             INTEGER REFERENCES users (id),
    satisfaction           INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    updated_at             TIMESTAMP NOT NULL,
    identity_name_sealed          BLOB,
    identity_contact_sealed       BLOB,
    site_sealed                   BLOB,
    when_happened_sealed          BLOB,
    description_sealed            BLOB NOT NULL,
    remedy_sought_sealed          BLOB,
    raised_elsewhere_where_sealed BLOB,
    satisfaction_comment_sealed   BLOB,
    lessons_sealed                BLOB
);
CREATE INDEX cases_stage_due ON cases (stage, due_at);
CREATE INDEX cases_received_at ON cases (received_at);
CREATE INDEX cases_country ON cases (country);

-- One row per holder of a case's data key: 'kek' today; per-user wrapping can add rows later.
CREATE TABLE case_keys (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    holder  TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    PRIMARY KEY (case_id, holder)
);

CREATE TABLE case_categories (
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    category TEXT NOT NULL,
    PRIMARY KEY (case_id, category)
);
CREATE INDEX case_categories_category ON case_categories (category, case_id);

CREATE TABLE case_vulnerable_groups (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    grp     TEXT NOT NULL,
    PRIMARY KEY (case_id, grp)
);

CREATE TABLE case_companies (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    position    INTEGER NOT NULL,
    member_id   INTEGER REFERENCES members (id),
    name_sealed BLOB,
    relation    TEXT NOT NULL,
    UNIQUE (case_id, position)
);
CREATE INDEX case_companies_member ON case_companies (member_id);

CREATE TABLE referrals (
    id                      INTEGER PRIMARY KEY,
    case_id                 INTEGER NOT NULL REFERENCES cases (id),
    company_id              INTEGER NOT NULL REFERENCES case_companies (id),
    member_id               INTEGER REFERENCES members (id),
    stage                   TEXT NOT NULL,
    stage_entered_at        TIMESTAMP NOT NULL,
    forwarded_at            TIMESTAMP NOT NULL,
    due_at                  TIMESTAMP,
    share_identity          BOOLEAN NOT NULL,
    outcome                 TEXT NOT NULL DEFAULT '',
    remedy_types            TEXT NOT NULL DEFAULT '',
    concluded_at            TIMESTAMP,
    updated_at              TIMESTAMP NOT NULL,
    shared_narrative_sealed BLOB
);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_member_stage ON referrals (member_id, stage);

CREATE TABLE stage_events (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    referral_id   INTEGER REFERENCES referrals (id),
    from_stage    TEXT NOT NULL,
    to_stage      TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    actor_role    TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    code          TEXT NOT NULL DEFAULT '',
    reason_sealed BLOB
);
CREATE INDEX stage_events_case ON stage_events (case_id, id);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    thread         TEXT NOT NULL CHECK (thread IN ('reporter', 'company', 'internal')),
    referral_id    INTEGER REFERENCES referrals (id),
    author_role    TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    body_sealed    BLOB NOT NULL
);
CREATE INDEX messages_case_thread ON messages (case_id, thread, id);

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    message_id     INTEGER REFERENCES messages (id),
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    name_sealed    BLOB,
    content_sealed BLOB NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

-- The audit log is append-only and hash-chained; audit_head serialises appends.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   INTEGER,
    detail    TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
SELECT 'the foundation migration cannot be reverted';
