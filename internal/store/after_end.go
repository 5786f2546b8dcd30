package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// A case that has ended (closed, not accepted, withdrawn) keeps its conversation: the reporter
// may still write, about retaliation or a remedy that was not paid. Such a message does not
// reopen anything — the rules of DESIGN section 3 let no final stage move — but it puts the case
// back before the desk until a handler has dealt with it. The mark is one clear column, so the
// desk lists these cases without opening any sealed field.

// AfterEndCase is an ended case whose reporter wrote since a handler last dealt with it.
type AfterEndCase struct {
	ID        int64
	Reference string
	Stage     grievance.CaseStage
	WroteAt   time.Time // the first message not yet dealt with
}

// AfterEndCases lists the ended cases whose reporter wrote since, the longest waiting first.
func (s *Store) AfterEndCases(ctx context.Context, limit int) ([]AfterEndCase, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, reference, stage, reporter_wrote_after_end_at FROM cases
		WHERE reporter_wrote_after_end_at IS NOT NULL ORDER BY reporter_wrote_after_end_at, id LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AfterEndCase
	for rows.Next() {
		var c AfterEndCase
		var stage string
		if err := rows.Scan(&c.ID, &c.Reference, &stage, &c.WroteAt); err != nil {
			return nil, err
		}
		c.Stage = grievance.CaseStage(stage)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AfterEndMessage is when the reporter of an ended case first wrote without a handler having
// dealt with it yet; zero when nothing waits.
func (s *Store) AfterEndMessage(ctx context.Context, caseID int64) (time.Time, error) {
	var at sql.NullTime
	err := s.read.QueryRowContext(ctx, s.q(`SELECT reporter_wrote_after_end_at FROM cases WHERE id = ?`), caseID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	return at.Time, err
}

// DeleteAfterEndMessage records that a handler dealt with what the reporter of an ended case
// wrote (answered, or decided nothing is to be done): the case leaves the desk's attention. The
// audit entry says who decided it.
func (s *Store) DeleteAfterEndMessage(ctx context.Context, caseID int64, actor Actor) error {
	if actor.Role != string(grievance.RoleHandler) {
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET reporter_wrote_after_end_at = NULL WHERE id = ? AND reporter_wrote_after_end_at IS NOT NULL`), caseID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if err := s.caseExistsTx(ctx, tx, caseID); err != nil {
				return err
			}
			return nil // already dealt with, by this handler in another tab or by a colleague
		}
		return s.appendAudit(ctx, tx, actor, "case.after_end_handled", caseID, nil)
	})
}

// markAfterEnd puts an ended case before the desk when its reporter writes; the first message
// not dealt with keeps its time, so the longest wait comes first.
func (s *Store) markAfterEnd(ctx context.Context, tx *sql.Tx, caseID int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET reporter_wrote_after_end_at = COALESCE(reporter_wrote_after_end_at, ?) WHERE id = ?`), at, caseID)
	return err
}
