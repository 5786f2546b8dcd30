package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// ClockRound is what one round of the clock-driven rules did.
type ClockRound struct {
	TimedOut  int // cases awaiting an answer moved back to screening
	Escalated int // referrals whose company is late, newly escalated
	Notices   int // reminders queued (each to all its recipients)
}

// systemActor is the platform acting on its clock.
var systemActor = Actor{Role: string(grievance.RoleSystem)}

// timerCandidate is one deadline a round looks at, and the event it calls for.
type timerCandidate struct {
	notice  Notice
	timeout bool // the case goes back to screening too
}

// RunClock applies the rules the clock drives, as of the store's clock: a case awaiting the
// reporter's answer past its deadline goes back to screening (actor "system", with its stage
// event and audit entry); a referral whose company missed its response deadline is escalated
// (an audit entry) and its handler and company told; deadlines within soonDays, overdue cases
// (daily), news owed to reporters, monitoring checks due and last year's annual report queue
// their notices. grievance decides what is due; this only applies it. Each event is applied
// once, in its own transaction with its notice, however many rounds see it.
func (s *Store) RunClock(ctx context.Context, soonDays int) (ClockRound, error) {
	now := s.now()
	horizon := utc(now.AddDate(0, 0, soonDays+1))
	var cands []timerCandidate
	if err := s.caseTimers(ctx, now, horizon, soonDays, &cands); err != nil {
		return ClockRound{}, err
	}
	if err := s.referralTimers(ctx, now, horizon, soonDays, &cands); err != nil {
		return ClockRound{}, err
	}
	if fy, ok := s.timeline.get().AnnualReportReady(now); ok {
		cands = append(cands, timerCandidate{notice: Notice{Kind: grievance.NoticeAnnualReport, Key: strconv.Itoa(fy)}})
	}
	keys := make([]string, len(cands))
	for i, c := range cands {
		keys[i] = c.notice.eventKey()
	}
	done, err := s.existingNoticeEvents(ctx, keys)
	if err != nil {
		return ClockRound{}, err
	}
	var round ClockRound
	for _, c := range cands {
		if done[c.notice.eventKey()] {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if c.timeout {
				moved, err := s.timeOutAnswer(ctx, tx, c.notice.CaseID)
				if err != nil || !moved {
					return err
				}
				round.TimedOut++
			}
			added, err := s.enqueueNotice(ctx, tx, c.notice)
			if err != nil || !added {
				return err
			}
			round.Notices++
			if c.notice.Kind == grievance.NoticeEscalated {
				round.Escalated++
				return s.appendAudit(ctx, tx, systemActor, "referral.escalate", c.notice.CaseID, map[string]any{"referral": c.notice.ReferralID})
			}
			return nil
		})
		if err != nil {
			return round, err
		}
	}
	return round, nil
}

// caseTimers lists the open cases whose deadline is within the horizon and what each calls for.
func (s *Store) caseTimers(ctx context.Context, now, horizon time.Time, soonDays int, out *[]timerCandidate) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, stage, due_at FROM cases WHERE due_at IS NOT NULL AND due_at < ?
		AND stage NOT IN ('not_accepted', 'closed', 'withdrawn') ORDER BY due_at, id`), horizon)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var stage string
		var due time.Time
		if err := rows.Scan(&id, &stage, &due); err != nil {
			return err
		}
		kind, ok := grievance.CaseReminder(grievance.CaseStage(stage), due, now, soonDays)
		if !ok {
			continue
		}
		// A deadline is reminded of once; an overdue case once a day, for the daily digest.
		key := strconv.FormatInt(due.Unix(), 10)
		if kind == grievance.NoticeOverdue {
			key = s.noticeDay(now)
		}
		*out = append(*out, timerCandidate{notice: Notice{Kind: kind, CaseID: id, Key: key}, timeout: kind == grievance.NoticeAnswerTimedOut})
	}
	return rows.Err()
}

// referralTimers lists the open referrals of accepted cases whose deadline is within the horizon.
func (s *Store) referralTimers(ctx context.Context, now, horizon time.Time, soonDays int, out *[]timerCandidate) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT r.id, r.case_id, r.stage, r.due_at FROM referrals r JOIN cases c ON c.id = r.case_id
		WHERE r.due_at IS NOT NULL AND r.due_at < ? AND r.stage <> 'concluded' AND c.stage = 'accepted' ORDER BY r.due_at, r.id`), horizon)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, caseID int64
		var stage string
		var due time.Time
		if err := rows.Scan(&id, &caseID, &stage, &due); err != nil {
			return err
		}
		if kind, ok := grievance.ReferralReminder(grievance.ReferralStage(stage), due, now, soonDays); ok {
			*out = append(*out, timerCandidate{notice: Notice{Kind: kind, CaseID: caseID, ReferralID: id, Key: strconv.FormatInt(due.Unix(), 10)}})
		}
	}
	return rows.Err()
}

// timeOutAnswer moves a case whose reporter did not answer in time back to screening, after
// checking again inside tx that it still waits and its deadline has passed (the answer may have
// come since the round looked).
func (s *Store) timeOutAnswer(ctx context.Context, tx *sql.Tx, caseID int64) (bool, error) {
	var stage string
	var due sql.NullTime
	err := tx.QueryRowContext(ctx, s.q(`SELECT stage, due_at FROM cases WHERE id = ?`+s.forUpdate()), caseID).Scan(&stage, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil || !grievance.AnswerTimedOut(grievance.CaseStage(stage), due.Time, s.now()) {
		return false, err
	}
	change := grievance.CaseChange{To: grievance.CaseScreening, Role: grievance.RoleSystem, Reason: ""}
	return true, s.moveCase(ctx, tx, s.lazyKey(ctx, tx, caseID), change, systemActor, nil)
}
