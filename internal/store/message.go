package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// Threads of a case.
const (
	ThreadReporter = "reporter" // reporter ⇄ secretariat
	ThreadCompany  = "company"  // one company ⇄ secretariat, per referral
	ThreadInternal = "internal" // secretariat notes
)

// NewMessage is a message to add to a case.
type NewMessage struct {
	CaseID      int64
	Thread      string
	ReferralID  int64
	Author      Actor
	Body        string
	Attachments []grievance.Attachment
}

// CreateMessage adds a message. A reporter's message to a case awaiting their answer is that
// answer, so the case goes back to screening in the same transaction; one to a case that has
// ended puts it before the desk again (markAfterEnd). A secretariat message to the reporter
// counts as news and moves the reporter-update deadline.
func (s *Store) CreateMessage(ctx context.Context, m NewMessage) (int64, error) {
	if m.Thread != ThreadReporter && m.Thread != ThreadCompany && m.Thread != ThreadInternal {
		return 0, errors.New("unknown thread")
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var stage string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT stage FROM cases WHERE id = ?`), m.CaseID).Scan(&stage); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		key, err := s.caseKey(ctx, tx, m.CaseID)
		if err != nil {
			return err
		}
		if id, err = s.insertMessage(ctx, tx, key, m); err != nil {
			return err
		}
		if m.Author.Role == string(grievance.RoleReporter) && grievance.CaseStage(stage).Final() {
			return s.markAfterEnd(ctx, tx, m.CaseID, utc(s.now()))
		}
		if m.Author.Role == string(grievance.RoleReporter) && grievance.CaseStage(stage) == grievance.CaseAwaitingInformation {
			return s.moveCase(ctx, tx, &txKey{caseID: m.CaseID, key: key}, grievance.CaseChange{From: grievance.CaseAwaitingInformation, To: grievance.CaseScreening, Role: grievance.RoleReporter}, m.Author, nil)
		}
		return nil
	})
	return id, err
}

func (s *Store) insertMessage(ctx context.Context, tx *sql.Tx, key *seal.CaseKey, m NewMessage) (int64, error) {
	now := utc(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO messages (case_id, thread, referral_id, author_role, author_user_id, created_at, body_sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		m.CaseID, m.Thread, nullInt(m.ReferralID), m.Author.Role, nullInt(m.Author.UserID), now, key.SealString(fieldMessageBody, m.Body)).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := s.insertAttachments(ctx, tx, key, m.CaseID, id, now, m.Attachments); err != nil {
		return 0, err
	}
	// A company thread belongs to its referral: its messages are news to that company too.
	referral := int64(0)
	if m.Thread == ThreadCompany {
		referral = m.ReferralID
	}
	if err := s.noteActivity(ctx, tx, m.CaseID, referral, m.Author, now, true); err != nil {
		return 0, err
	}
	if m.Thread == ThreadReporter && m.Author.Role != string(grievance.RoleReporter) {
		if err := s.touchReporterNews(ctx, tx, m.CaseID, now); err != nil {
			return 0, err
		}
	}
	if err := s.appendAudit(ctx, tx, m.Author, "message.create", m.CaseID, map[string]any{"thread": m.Thread, "message": id, "files": len(m.Attachments)}); err != nil {
		return 0, err
	}
	if n, ok := s.messageNotice(m, id, now); ok {
		if _, err := s.enqueueNotice(ctx, tx, n); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// messageNotice says who hears of a new message: the secretariat of a reporter's or a company's,
// the company of the secretariat's in its thread, the reporter (once a day at most) of the
// secretariat's in theirs. Internal notes tell no one.
func (s *Store) messageNotice(m NewMessage, id int64, now time.Time) (Notice, bool) {
	fromSecretariat := m.Author.Role == string(grievance.RoleHandler)
	key := strconv.FormatInt(id, 10)
	switch {
	case m.Thread == ThreadReporter && m.Author.Role == string(grievance.RoleReporter):
		return Notice{Kind: grievance.NoticeReporterMessage, CaseID: m.CaseID, Key: key}, true
	case m.Thread == ThreadReporter && fromSecretariat:
		return Notice{Kind: grievance.NoticeReporterNews, CaseID: m.CaseID, Key: s.noticeDay(now)}, true
	case m.Thread == ThreadCompany && m.Author.Role == string(grievance.RoleMember):
		return Notice{Kind: grievance.NoticeCompanyMessage, CaseID: m.CaseID, ReferralID: m.ReferralID, Key: key}, true
	case m.Thread == ThreadCompany && fromSecretariat && m.ReferralID != 0:
		return Notice{Kind: grievance.NoticeSecretariatMessage, CaseID: m.CaseID, ReferralID: m.ReferralID, Key: key}, true
	}
	return Notice{}, false
}

// touchReporterNews records that the reporter was told something and moves the update deadline.
func (s *Store) touchReporterNews(ctx context.Context, tx *sql.Tx, caseID int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET last_reporter_news_at = ? WHERE id = ?`), at, caseID)
	if err != nil {
		return err
	}
	return s.refreshCaseDue(ctx, tx, caseID)
}

func (s *Store) messages(ctx context.Context, key *seal.CaseKey, caseID int64, thread string) ([]Message, error) {
	return s.openMessages(ctx, key, `case_id = ? AND thread = ?`, caseID, thread)
}

// openMessages lists the messages matching where, oldest first, their bodies opened with key.
func (s *Store) openMessages(ctx context.Context, key *seal.CaseKey, where string, args ...any) ([]Message, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, thread, COALESCE(referral_id, 0), author_role, created_at, body_sealed
		FROM messages WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var sealed []byte
		if err := rows.Scan(&m.ID, &m.Thread, &m.ReferralID, &m.AuthorRole, &m.At, &sealed); err != nil {
			return nil, err
		}
		if m.Body, err = key.OpenString(fieldMessageBody, sealed); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ReporterAttachment opens, for the reporter of caseID, a file the secretariat sent them in their
// thread. Any other file (another case's, a company's, the report's own, an internal note's) is
// ErrNotFound: the reporter's session gives access to what was addressed to it and nothing else.
// What is stored of such a file is already its copy without metadata (desk.outgoingFiles).
func (s *Store) ReporterAttachment(ctx context.Context, caseID, attachmentID int64) (AttachmentInfo, []byte, error) {
	var ok bool
	err := s.read.QueryRowContext(ctx, s.q(`SELECT EXISTS (SELECT 1 FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE a.id = ? AND a.case_id = ? AND m.case_id = a.case_id AND m.thread = ? AND m.author_role = ?)`),
		attachmentID, caseID, ThreadReporter, string(grievance.RoleHandler)).Scan(&ok)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	if !ok {
		return AttachmentInfo{}, nil, ErrNotFound
	}
	return s.AttachmentContent(ctx, caseID, attachmentID, false)
}
