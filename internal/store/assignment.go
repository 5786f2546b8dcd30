package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// ErrNotHandler is returned when a case is to be given to a user who is not an active handler.
var ErrNotHandler = errors.New("the user is not an active handler")

// ActiveUsers lists the users of a role who are not disabled, by name: the handlers and the
// experts' roster for the assignment forms.
func (s *Store) ActiveUsers(ctx context.Context, role grievance.Role) ([]User, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+userColumns+` FROM users u WHERE u.role = ? AND u.disabled_at IS NULL ORDER BY lower(u.display_name), u.id`), string(role))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AssignHandler makes handlerID the case's handler (0: nobody). Only an active handler can be
// given a case; only a handler may give it.
func (s *Store) AssignHandler(ctx context.Context, caseID, handlerID int64, actor Actor) error {
	if actor.Role != string(grievance.RoleHandler) {
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var current sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT handler_id FROM cases WHERE id = ?`+s.forUpdate()), caseID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if handlerID != 0 {
			var role string
			err := tx.QueryRowContext(ctx, s.q(`SELECT role FROM users WHERE id = ? AND disabled_at IS NULL`), handlerID).Scan(&role)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && role != string(grievance.RoleHandler)) {
				return ErrNotHandler
			}
			if err != nil {
				return err
			}
		}
		if current.Int64 == handlerID {
			return nil // a double-submitted form changes nothing
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET handler_id = ?, updated_at = ? WHERE id = ?`), nullInt(handlerID), utc(s.now()), caseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "case.handler", caseID, map[string]any{"handler": handlerID})
	})
}
