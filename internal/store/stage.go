package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// CaseStageChange asks to move a case; the grievance rules decide whether it may.
type CaseStageChange struct {
	CaseID            int64
	To                grievance.CaseStage
	Actor             Actor
	Reason            string // kept sealed in the stage history
	NotAcceptedReason grievance.NotAcceptedReason
	ReferralText      string // not accepted: sent to the reporter (where else to go)
	Question          string // awaiting information: sent to the reporter
	Outcome           grievance.Outcome
	Referrals         []NewReferral // accepting: one per company concerned
}

// NewReferral sends a case to one of the companies it names.
type NewReferral struct {
	CompanyID       int64 // a case company (CaseCompany.ID)
	ShareIdentity   bool  // only with the reporter's consent
	SharedNarrative string
}

// ChangeCaseStage moves a case, records the move in its history and the audit log, and (when
// accepting) creates its referrals, all in one transaction.
func (s *Store) ChangeCaseStage(ctx context.Context, c CaseStageChange) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		reason := c.Reason
		if c.To == grievance.CaseAwaitingInformation && reason == "" {
			reason = c.Question
		}
		change := grievance.CaseChange{
			To: c.To, Role: grievance.Role(c.Actor.Role), Reason: reason, NotAcceptedReason: c.NotAcceptedReason,
			ReferralText: c.ReferralText, Outcome: c.Outcome, Companies: len(c.Referrals),
		}
		key := s.lazyKey(ctx, tx, c.CaseID)
		if err := s.moveCase(ctx, tx, key, change, c.Actor, c.Referrals); err != nil {
			return err
		}
		toReporter := ""
		switch c.To {
		case grievance.CaseNotAccepted:
			toReporter = c.ReferralText
		case grievance.CaseAwaitingInformation:
			toReporter = c.Question
		}
		if strings.TrimSpace(toReporter) == "" {
			return nil
		}
		k, err := key.get()
		if err != nil {
			return err
		}
		_, err = s.insertMessage(ctx, tx, k, NewMessage{CaseID: c.CaseID, Thread: ThreadReporter, Author: c.Actor, Body: toReporter})
		return err
	})
}

// forUpdate locks the row read on PostgreSQL; SQLite's write transaction holds the lock already.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// moveCase applies one case transition inside tx after asking the rules.
func (s *Store) moveCase(ctx context.Context, tx *sql.Tx, key *txKey, change grievance.CaseChange, actor Actor, referrals []NewReferral) error {
	caseID := key.caseID
	var from string
	var consent bool
	var left leftStage
	err := tx.QueryRowContext(ctx, s.q(`SELECT stage, consent_share_identity, stage_entered_at, due_at FROM cases WHERE id = ?`+s.forUpdate()), caseID).
		Scan(&from, &consent, &left.entered, &left.due)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	change.From = grievance.CaseStage(from)
	if change.To == grievance.CaseClosed {
		if change.Referrals, err = s.referralStages(ctx, tx, caseID); err != nil {
			return err
		}
	}
	if err := grievance.CheckCaseChange(change); err != nil {
		return err
	}
	now := utc(s.now())
	outcome := change.Outcome
	if outcome == "" {
		outcome = grievance.CaseOutcomeOnEntry(change.To)
	}
	sets := []string{"stage = ?", "stage_entered_at = ?", "updated_at = ?", "last_reporter_news_at = ?"}
	args := []any{string(change.To), now, now, now}
	if change.To == grievance.CaseAcknowledged {
		sets, args = append(sets, "acknowledged_at = ?"), append(args, now)
	}
	if outcome != "" {
		sets, args = append(sets, "outcome = ?"), append(args, string(outcome))
	}
	if change.NotAcceptedReason != "" {
		sets, args = append(sets, "not_accepted_reason = ?"), append(args, string(change.NotAcceptedReason))
	}
	if change.To.Final() {
		sets, args = append(sets, "closed_at = ?"), append(args, now)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET `+strings.Join(sets, ", ")+` WHERE id = ?`), append(args, caseID)...); err != nil {
		return err
	}
	code := string(outcome)
	if change.NotAcceptedReason != "" {
		code = string(change.NotAcceptedReason)
	}
	if err := s.insertStageEvent(ctx, tx, key, 0, from, string(change.To), code, change.Reason, actor, left); err != nil {
		return err
	}
	if err := s.appendAudit(ctx, tx, actor, "case.stage", caseID, map[string]any{"from": from, "to": change.To, "code": code}); err != nil {
		return err
	}
	// The reporter hears there is news of any move but their own; a report declined as abusive
	// sends nothing to whatever address its filer typed.
	if actor.Role != string(grievance.RoleReporter) && change.NotAcceptedReason != "abusive" {
		if _, err := s.enqueueNotice(ctx, tx, Notice{Kind: grievance.NoticeReporterNews, CaseID: caseID, Key: s.noticeDay(now)}); err != nil {
			return err
		}
	}
	for _, r := range referrals {
		if r.ShareIdentity && !consent {
			return &grievance.RuleError{Code: "identity_consent_missing", Field: "share_identity", From: from, To: string(change.To), Role: change.Role}
		}
		if err := s.insertReferral(ctx, tx, key, r, actor); err != nil {
			return err
		}
	}
	return s.refreshCaseDue(ctx, tx, caseID)
}

// leftStage is the stage a move ends: when it was entered and the deadline it carried (none for
// a case's or referral's first event).
type leftStage struct {
	entered sql.NullTime
	due     sql.NullTime
}

// spent is how many whole days the stage lasted until at, and whether its deadline had passed;
// nil where there is no stage or no deadline. Statistics add these up (migration 00006).
func (l leftStage) spent(at time.Time) (days, overdue any) {
	if l.entered.Valid {
		days = int64(at.Sub(l.entered.Time) / (24 * time.Hour))
	}
	if l.due.Valid {
		overdue = !at.Before(l.due.Time)
	}
	return days, overdue
}

func (s *Store) insertStageEvent(ctx context.Context, tx *sql.Tx, key *txKey, referralID int64, from, to, code, reason string, actor Actor, left leftStage) error {
	caseID := key.caseID
	var sealedReason []byte
	if strings.TrimSpace(reason) != "" {
		k, err := key.get()
		if err != nil {
			return err
		}
		sealedReason = k.SealString(fieldStageReason, reason)
	}
	at := utc(s.now())
	days, overdue := left.spent(at)
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO stage_events (case_id, referral_id, from_stage, to_stage, at, actor_role, actor_user_id, code, reason_sealed, stage_days, overdue)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), caseID, nullInt(referralID), from, to, at, actor.Role, nullInt(actor.UserID), code, sealedReason, days, overdue)
	if err == nil {
		err = s.noteActivity(ctx, tx, caseID, referralID, actor, at, false)
	}
	if err != nil || from == "" {
		return err // a first event is counted by what it starts (a case, a referral)
	}
	var public bool
	if err := tx.QueryRowContext(ctx, s.q(`SELECT public FROM cases WHERE id = ?`), caseID).Scan(&public); err != nil {
		return err
	}
	if !public {
		if referralID != 0 || !grievance.CountsInPublic(grievance.CaseStage(to), grievance.NotAcceptedReason(code)) {
			return nil // not counted while unscreened, nor ever when abusive or a duplicate
		}
		// Screening lets the case in: its intake facts and every move so far (this one
		// included) are counted now, in the months they happened.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET public = ? WHERE id = ?`), true, caseID); err != nil {
			return err
		}
		figures, err := s.caseFigures(ctx, tx, caseID)
		if err != nil {
			return err
		}
		return s.addFigures(ctx, tx, figures)
	}
	figures := figureCounts{}
	figures.move(s.monthOf(at), from, to, days, overdue, code)
	return s.addFigures(ctx, tx, figures)
}

// refreshCaseDue recomputes the deadline that applies to the case's current stage.
func (s *Store) refreshCaseDue(ctx context.Context, tx *sql.Tx, caseID int64) error {
	var stage string
	var d grievance.CaseDates
	var ack sql.NullTime
	err := tx.QueryRowContext(ctx, s.q(`SELECT stage, received_at, acknowledged_at, stage_entered_at, last_reporter_news_at FROM cases WHERE id = ?`), caseID).
		Scan(&stage, &d.ReceivedAt, &ack, &d.StageEnteredAt, &d.LastReporterNews)
	if err != nil {
		return err
	}
	d.AcknowledgedAt = ack.Time
	due, ok := s.timeline.CaseDue(grievance.CaseStage(stage), d)
	var dueArg any
	if ok {
		dueArg = utc(due)
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE cases SET due_at = ? WHERE id = ?`), dueArg, caseID)
	return err
}

func (s *Store) referralStages(ctx context.Context, tx *sql.Tx, caseID int64) ([]grievance.ReferralStage, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT stage FROM referrals WHERE case_id = ? ORDER BY id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grievance.ReferralStage
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			return nil, err
		}
		out = append(out, grievance.ReferralStage(st))
	}
	return out, rows.Err()
}

func (s *Store) insertReferral(ctx context.Context, tx *sql.Tx, key *txKey, r NewReferral, actor Actor) error {
	caseID := key.caseID
	var memberID sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT member_id FROM case_companies WHERE id = ? AND case_id = ?`), r.CompanyID, caseID).Scan(&memberID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("company %d is not named in case %d: %w", r.CompanyID, caseID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	k, err := key.get()
	if err != nil {
		return err
	}
	now := utc(s.now())
	due, _ := s.timeline.ReferralDue(grievance.ReferralForwarded, now)
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO referrals (case_id, company_id, member_id, stage, stage_entered_at, forwarded_at, due_at, share_identity, updated_at, shared_narrative_sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		caseID, r.CompanyID, memberID, string(grievance.ReferralForwarded), now, now, utc(due), r.ShareIdentity, now,
		k.SealString("referral.shared_narrative", r.SharedNarrative)).Scan(&id)
	if err != nil {
		return err
	}
	if err := s.insertStageEvent(ctx, tx, key, id, "", string(grievance.ReferralForwarded), "", "", actor, leftStage{}); err != nil {
		return err
	}
	figures := figureCounts{}
	figures.referral(s.monthOf(now), memberID.Int64)
	if err := s.addFigures(ctx, tx, figures); err != nil {
		return err
	}
	if err := s.appendAudit(ctx, tx, actor, "referral.create", caseID, map[string]any{"referral": id, "member": memberID.Int64, "share_identity": r.ShareIdentity}); err != nil {
		return err
	}
	_, err = s.enqueueNotice(ctx, tx, Notice{Kind: grievance.NoticeReferralNew, CaseID: caseID, ReferralID: id})
	return err
}

// ReferralStageChange asks to move one company's referral.
type ReferralStageChange struct {
	ReferralID  int64
	To          grievance.ReferralStage
	Actor       Actor
	Reason      string
	Outcome     grievance.Outcome
	RemedyTypes []grievance.RemedyType
}

// ChangeReferralStage moves a referral. A member user can move only their own company's
// referrals, an expert only those of cases they are assigned to and declared no conflict for;
// any other referral is ErrNotFound to them, as if it did not exist.
func (s *Store) ChangeReferralStage(ctx context.Context, c ReferralStageChange) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var memberID sql.NullInt64
		var from, caseStage string
		var left leftStage
		err := tx.QueryRowContext(ctx, s.q(`SELECT r.case_id, r.member_id, r.stage, c.stage, r.stage_entered_at, r.due_at FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = ?`+s.forUpdate()), c.ReferralID).
			Scan(&caseID, &memberID, &from, &caseStage, &left.entered, &left.due)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && c.Actor.Role == string(grievance.RoleMember) && (c.Actor.MemberID == 0 || memberID.Int64 != c.Actor.MemberID)) {
			return ErrNotFound
		}
		if err == nil && c.Actor.Role == string(grievance.RoleExpert) {
			err = s.expertAccess(ctx, tx, caseID, c.Actor.UserID) // only an assigned, declared expert
		}
		if err != nil {
			return err
		}
		change := grievance.ReferralChange{From: grievance.ReferralStage(from), To: c.To, Role: grievance.Role(c.Actor.Role),
			CaseStage: grievance.CaseStage(caseStage), Reason: c.Reason, Outcome: c.Outcome, RemedyTypes: c.RemedyTypes}
		if err := grievance.CheckReferralChange(change); err != nil {
			return err
		}
		now := utc(s.now())
		due, hasDue := s.timeline.ReferralDue(c.To, now)
		var dueArg, concluded any
		if hasDue {
			dueArg = utc(due)
		}
		if c.To.Final() {
			concluded = now
		}
		remedies := make([]string, len(c.RemedyTypes))
		for i, t := range c.RemedyTypes {
			remedies[i] = string(t)
		}
		sets := `stage = ?, stage_entered_at = ?, due_at = ?, concluded_at = ?, updated_at = ?, outcome = ?`
		args := []any{string(c.To), now, dueArg, concluded, now, string(c.Outcome)}
		if len(remedies) > 0 {
			sets += `, remedy_types = ?`
			args = append(args, strings.Join(remedies, ","))
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE referrals SET `+sets+` WHERE id = ?`), append(args, c.ReferralID)...); err != nil {
			return err
		}
		if err := s.insertStageEvent(ctx, tx, s.lazyKey(ctx, tx, caseID), c.ReferralID, from, string(c.To), string(c.Outcome), c.Reason, c.Actor, left); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, c.Actor, "referral.stage", caseID, map[string]any{"referral": c.ReferralID, "from": from, "to": c.To, "code": c.Outcome}); err != nil {
			return err
		}
		if c.Actor.Role == string(grievance.RoleMember) {
			n := Notice{Kind: grievance.NoticeCompanyAnswer, CaseID: caseID, ReferralID: c.ReferralID, Key: string(c.To) + "@" + now.Format(time.RFC3339Nano)}
			if _, err := s.enqueueNotice(ctx, tx, n); err != nil {
				return err
			}
		}
		_, err = s.enqueueNotice(ctx, tx, Notice{Kind: grievance.NoticeReporterNews, CaseID: caseID, Key: s.noticeDay(now)})
		return err
	})
}
