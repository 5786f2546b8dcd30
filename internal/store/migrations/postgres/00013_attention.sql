-- +goose Up
-- What is new for whom (issue 11). case_seen is when a user last opened a case: the desk's case
-- page for a handler, a referral's page for a member company's contact. It is compared with the
-- latest event on the case (or, for a company, on its own referral) by someone else than the
-- viewer, which the store keeps in two slots, so that no list has to read the messages or stage
-- events: activity_at and activity_by are the latest event and its author (a user id; 0 for the
-- reporter and the clock, who are never viewers), activity_other_at the latest event by anyone
-- else than activity_by. The latest event by anyone else than user u is then activity_at when
-- activity_by is not u, and activity_other_at when it is. The message_* columns do the same for
-- messages alone (the "needs attention" view puts new messages first).
--
-- Nothing is filled in from the history: what happened before this migration (or arrives by
-- import) is not news to anyone, so an upgrade does not mark every case new for every user.
CREATE TABLE case_seen (
    user_id BIGINT NOT NULL REFERENCES users (id),
    case_id BIGINT NOT NULL REFERENCES cases (id),
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
ALTER TABLE cases ADD COLUMN activity_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN activity_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN activity_other_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN message_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN message_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN message_other_at TIMESTAMPTZ;
-- A referral's own events: its stage moves and its company thread.
ALTER TABLE referrals ADD COLUMN activity_at TIMESTAMPTZ;
ALTER TABLE referrals ADD COLUMN activity_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN activity_other_at TIMESTAMPTZ;

-- The note an expert gave with a conflict-of-interest declaration: a sealed message in the
-- internal thread, which the desk shows beside the declaration.
ALTER TABLE case_experts ADD COLUMN note_message_id BIGINT REFERENCES messages (id);

-- The "needs attention" view (store.Inbox with Attention): open cases by deadline with what
-- decides their place, so that its two parts are read from an index alone; the second holds only
-- cases with a message, which are the only candidates for "new messages". The stage list must be
-- inbox.go's openStageSQL, word for word (TestInboxIndexesListTheOpenStages).
CREATE INDEX cases_open_attention ON cases (due_at, id, stage, urgency, fears_retaliation, message_at, message_by, message_other_at)
    WHERE stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');
CREATE INDEX cases_open_messages ON cases (due_at, id, stage, message_at, message_by, message_other_at)
    WHERE message_at IS NOT NULL AND stage IN ('received', 'acknowledged', 'screening', 'awaiting_information', 'accepted', 'suspended');

-- +goose Down
DROP INDEX cases_open_messages;
DROP INDEX cases_open_attention;
ALTER TABLE case_experts DROP COLUMN note_message_id;
ALTER TABLE referrals DROP COLUMN activity_other_at;
ALTER TABLE referrals DROP COLUMN activity_by;
ALTER TABLE referrals DROP COLUMN activity_at;
ALTER TABLE cases DROP COLUMN message_other_at;
ALTER TABLE cases DROP COLUMN message_by;
ALTER TABLE cases DROP COLUMN message_at;
ALTER TABLE cases DROP COLUMN activity_other_at;
ALTER TABLE cases DROP COLUMN activity_by;
ALTER TABLE cases DROP COLUMN activity_at;
DROP TABLE case_seen;
