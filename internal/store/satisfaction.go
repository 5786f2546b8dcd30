package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// SetSatisfaction records the reporter's rating (1–5) and comment for a closed case. A reporter
// may change their answer; the audit log keeps each one's time, not its content.
func (s *Store) SetSatisfaction(ctx context.Context, caseID int64, rating int, comment string, actor Actor) error {
	if !grievance.ValidSatisfaction(rating) {
		return grievance.FieldErrors{"satisfaction": "out_of_range"}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var stage string
		err := tx.QueryRowContext(ctx, s.q(`SELECT stage FROM cases WHERE id = ?`+s.forUpdate()), caseID).Scan(&stage)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !grievance.MayGiveSatisfaction(grievance.CaseStage(stage)) {
			return &grievance.RuleError{Code: "case_not_closed", Field: "satisfaction", From: stage, To: stage, Role: grievance.Role(actor.Role)}
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET satisfaction = ?, satisfaction_comment_sealed = ?, updated_at = ? WHERE id = ?`),
			rating, key.SealString(fieldSatisfactionComment, comment), utc(s.now()), caseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "case.satisfaction", caseID, nil)
	})
}
