package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// bulkDeclinePath is how a case not yet screened reaches the decision: each step is an ordinary
// move the rules allow, recorded and audited as if made one by one.
var bulkDeclinePath = map[grievance.CaseStage][]grievance.CaseStage{
	grievance.CaseReceived:            {grievance.CaseAcknowledged, grievance.CaseScreening},
	grievance.CaseAcknowledged:        {grievance.CaseScreening},
	grievance.CaseAwaitingInformation: {grievance.CaseScreening},
	grievance.CaseScreening:           {},
}

// DeclineCases does not accept many unscreened cases at once for one reason, abusive or
// duplicate (a flood of junk filings), with one text for their reporters. Each case is moved in
// its own transaction, through the moves the rules allow, with an audit entry per move; cases
// already past screening are left alone and counted in skipped.
func (s *Store) DeclineCases(ctx context.Context, ids []int64, reason grievance.NotAcceptedReason, text string, actor Actor) (declined, skipped int, err error) {
	if actor.Role != string(grievance.RoleHandler) {
		return 0, 0, ErrForbidden
	}
	if reason != "abusive" && reason != "duplicate" {
		return 0, 0, grievance.FieldErrors{"not_accepted_reason": "invalid_code"}
	}
	if strings.TrimSpace(text) == "" {
		return 0, 0, grievance.FieldErrors{"referral_text": "required"}
	}
	for _, id := range ids {
		done := false
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var stage string
			if err := tx.QueryRowContext(ctx, s.q(`SELECT stage FROM cases WHERE id = ?`+s.forUpdate()), id).Scan(&stage); err != nil {
				if err == sql.ErrNoRows {
					return nil
				}
				return err
			}
			path, ok := bulkDeclinePath[grievance.CaseStage(stage)]
			if !ok {
				return nil
			}
			key := s.lazyKey(ctx, tx, id)
			role := grievance.Role(actor.Role)
			for _, to := range path {
				if err := s.moveCase(ctx, tx, key, grievance.CaseChange{To: to, Role: role}, actor, nil); err != nil {
					return err
				}
			}
			change := grievance.CaseChange{To: grievance.CaseNotAccepted, Role: role, NotAcceptedReason: reason, ReferralText: text}
			if err := s.moveCase(ctx, tx, key, change, actor, nil); err != nil {
				return err
			}
			k, err := key.get()
			if err != nil {
				return err
			}
			if _, err := s.insertMessage(ctx, tx, k, NewMessage{CaseID: id, Thread: ThreadReporter, Author: actor, Body: text}); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return declined, skipped, err
		}
		if done {
			declined++
		} else {
			skipped++
		}
	}
	return declined, skipped, nil
}
