package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

const fieldMonitoringNote = "monitoring_check.note"

// MonitoringCheck is one follow-up of a remedy's implementation: the company's update or the
// secretariat's check.
type MonitoringCheck struct {
	ID         int64
	CaseID     int64 // 0 when adding: taken from the referral
	ReferralID int64
	At         time.Time
	Actor      Actor // who wrote it (on reading: Role and UserID)
	Note       string
}

// AddMonitoringCheck records a check on a referral's remedy. A member user may add one only to
// its own company's referrals (any other is ErrNotFound); a handler to any. A check made while
// the referral is monitored starts the next monitoring period, so the deadline moves forward
// (the same grievance.Timeline.ReferralDue rule a move into monitoring applies).
func (s *Store) AddMonitoringCheck(ctx context.Context, c MonitoringCheck) error {
	switch grievance.Role(c.Actor.Role) {
	case grievance.RoleMember, grievance.RoleHandler:
	default:
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var memberID sql.NullInt64
		var stage, caseStage string
		err := tx.QueryRowContext(ctx, s.q(`SELECT r.case_id, r.member_id, r.stage, c.stage FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = ?`+s.forUpdate()), c.ReferralID).
			Scan(&caseID, &memberID, &stage, &caseStage)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && c.CaseID != 0 && c.CaseID != caseID) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if c.Actor.Role == string(grievance.RoleMember) && (c.Actor.MemberID == 0 || memberID.Int64 != c.Actor.MemberID) {
			return ErrNotFound
		}
		st := grievance.ReferralStage(stage)
		fail := func(code, field string) error {
			return &grievance.RuleError{Code: code, Field: field, From: stage, To: stage, Role: grievance.Role(c.Actor.Role)}
		}
		if grievance.CaseStage(caseStage) != grievance.CaseAccepted {
			return fail("case_not_accepted", "stage")
		}
		if !grievance.MonitoringOpen(st, grievance.CaseAccepted) {
			return fail("monitoring_not_open", "stage")
		}
		if strings.TrimSpace(c.Note) == "" {
			return fail("note_required", "note")
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		now := utc(s.now())
		var id int64
		err = tx.QueryRowContext(ctx, s.q(`INSERT INTO monitoring_checks (case_id, referral_id, at, author_role, author_user_id, note_sealed)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), caseID, c.ReferralID, now, c.Actor.Role, nullInt(c.Actor.UserID),
			key.SealString(fieldMonitoringNote, c.Note)).Scan(&id)
		if err != nil {
			return err
		}
		// A check is news on the case and its referral, as a stage move is.
		if err := s.noteActivity(ctx, tx, caseID, c.ReferralID, c.Actor, now, false); err != nil {
			return err
		}
		if due, ok := s.timeline.ReferralDue(st, now); ok {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE referrals SET due_at = ?, updated_at = ? WHERE id = ?`), utc(due), now, c.ReferralID); err != nil {
				return err
			}
		}
		if err := s.appendAudit(ctx, tx, c.Actor, "monitoring.create", caseID, map[string]any{"referral": c.ReferralID, "check": id}); err != nil {
			return err
		}
		if c.Actor.Role != string(grievance.RoleMember) {
			return nil
		}
		// A company's update on its remedy is a company's message to the secretariat.
		_, err = s.enqueueNotice(ctx, tx, Notice{Kind: grievance.NoticeCompanyMessage, CaseID: caseID, ReferralID: c.ReferralID, Key: "check:" + strconv.FormatInt(id, 10)})
		return err
	})
}

// MonitoringChecks lists a referral's checks, oldest first. It is the secretariat's read (like
// Referrals): member users get their own referrals' checks through MemberReferral.
func (s *Store) MonitoringChecks(ctx context.Context, referralID int64) ([]MonitoringCheck, error) {
	var caseID int64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT case_id FROM referrals WHERE id = ?`), referralID).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	return s.monitoringChecks(ctx, key, referralID)
}

func (s *Store) monitoringChecks(ctx context.Context, key *seal.CaseKey, referralID int64) ([]MonitoringCheck, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, case_id, referral_id, at, author_role, COALESCE(author_user_id, 0), note_sealed
		FROM monitoring_checks WHERE referral_id = ? ORDER BY id`), referralID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MonitoringCheck
	for rows.Next() {
		var m MonitoringCheck
		var sealed []byte
		if err := rows.Scan(&m.ID, &m.CaseID, &m.ReferralID, &m.At, &m.Actor.Role, &m.Actor.UserID, &sealed); err != nil {
			return nil, err
		}
		if m.Note, err = key.OpenString(fieldMonitoringNote, sealed); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
