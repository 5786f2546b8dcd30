-- +goose Up
-- Casework (issue 4): experts assigned to cases, staff translations of messages, what each
-- referral shares with its company beyond the narrative, monitoring checks, expert findings.
-- Every free text is sealed with the case's key, like the rest of a case.

-- An expert sees a case only once declared_at is set (no conflict of interest). One who declares
-- a conflict (conflict_at) never sees it.
CREATE TABLE case_experts (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    assigned_at TIMESTAMP NOT NULL,
    assigned_by INTEGER REFERENCES users (id),
    declared_at TIMESTAMP,
    conflict_at TIMESTAMP,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_experts_user ON case_experts (user_id, case_id);

CREATE TABLE message_translations (
    id             INTEGER PRIMARY KEY,
    message_id     INTEGER NOT NULL REFERENCES messages (id),
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    language       TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    body_sealed    BLOB NOT NULL
);
CREATE INDEX message_translations_case ON message_translations (case_id, message_id);

-- The reporter's files the handler chose to show one company.
CREATE TABLE referral_attachments (
    referral_id   INTEGER NOT NULL REFERENCES referrals (id),
    attachment_id INTEGER NOT NULL REFERENCES attachments (id),
    PRIMARY KEY (referral_id, attachment_id)
);

CREATE TABLE monitoring_checks (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    referral_id    INTEGER NOT NULL REFERENCES referrals (id),
    at             TIMESTAMP NOT NULL,
    author_role    TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    note_sealed    BLOB NOT NULL
);
CREATE INDEX monitoring_checks_referral ON monitoring_checks (referral_id, id);

CREATE TABLE expert_findings (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    referral_id INTEGER REFERENCES referrals (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          TIMESTAMP NOT NULL,
    body_sealed BLOB NOT NULL
);
CREATE INDEX expert_findings_case ON expert_findings (case_id, id);

-- +goose Down
DROP TABLE expert_findings;
DROP TABLE monitoring_checks;
DROP TABLE referral_attachments;
DROP TABLE message_translations;
DROP TABLE case_experts;
