package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The administrator's side of user accounts: listing them with their sign-in state, changing
// name, role and company, and disabling them.

// UserRow is a user as the administrator sees them.
type UserRow struct {
	User
	DisabledAt   time.Time // zero while the account works
	TOTPEnrolled bool      // the user has a second factor
	TOTPRequired bool      // an admin requires one (handlers and admins always need one anyway)
	PasswordSet  bool      // the user chose a password through their set-up link
}

// Disabled reports whether the account is disabled.
func (u UserRow) Disabled() bool { return !u.DisabledAt.IsZero() }

// ErrOwnAccount is returned when an admin would disable, demote or reset their own account:
// another admin must do it, so that the platform is never left without one by mistake.
var ErrOwnAccount = errors.New("an administrator cannot do this to their own account")

const userRowColumns = userColumns + `, u.disabled_at, u.totp_secret_sealed IS NOT NULL, u.totp_required, u.password_hash <> ''`

func scanUserRow(row interface{ Scan(...any) error }) (UserRow, error) {
	var r UserRow
	var disabled sql.NullTime
	u, err := scanUser(extraScan{row: row, extra: []any{&disabled, &r.TOTPEnrolled, &r.TOTPRequired, &r.PasswordSet}})
	r.User = u
	r.DisabledAt = disabled.Time
	return r, err
}

// Users lists every account, active ones first, by role and then email.
func (s *Store) Users(ctx context.Context) ([]UserRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userRowColumns+` FROM users u ORDER BY u.disabled_at IS NOT NULL, u.role, u.email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UserRow
	for rows.Next() {
		r, err := scanUserRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// User returns one account, disabled or not.
func (s *Store) User(ctx context.Context, id int64) (UserRow, error) {
	return scanUserRow(s.read.QueryRowContext(ctx, s.q(`SELECT `+userRowColumns+` FROM users u WHERE u.id = ?`), id))
}

// UserEmailTaken reports whether an account (disabled ones included) has this login.
func (s *Store) UserEmailTaken(ctx context.Context, email string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM users WHERE email = ?`), strings.ToLower(strings.TrimSpace(email))).Scan(&n)
	return n > 0, err
}

// UpdateUser changes an account's display name, role and member company (u.ID says which; the
// email, the login, stays). A change of role or company ends the user's sessions, so that
// nobody keeps a page open with powers they no longer have. An admin cannot change their own
// role (ErrOwnAccount), and no account is changed into a role that sees case content
// (ErrRoleNeedsNewAccount): that would pass by the handler approval new handler accounts need.
func (s *Store) UpdateUser(ctx context.Context, u User, actor Actor) error {
	if !u.Role.IsStaffRole() {
		return errors.New("unknown role " + string(u.Role))
	}
	if (u.Role == grievance.RoleMember) != (u.MemberID != 0) {
		return errors.New("a member user belongs to exactly one member company, and only member users do")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var role string
		var member int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT role, COALESCE(member_id, 0) FROM users WHERE id = ?`), u.ID).Scan(&role, &member)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		changed := role != string(u.Role) || member != u.MemberID
		if changed && u.ID == actor.UserID {
			return ErrOwnAccount
		}
		if role != string(u.Role) && seesCaseContent(u.Role) {
			return ErrRoleNeedsNewAccount
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET display_name = ?, role = ?, member_id = ? WHERE id = ?`),
			strings.TrimSpace(u.DisplayName), string(u.Role), nullInt(u.MemberID), u.ID); err != nil {
			return err
		}
		detail := map[string]any{"user": u.ID}
		if changed {
			detail["role"] = u.Role
			detail["member"] = u.MemberID
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE user_id = ?`), u.ID); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, actor, "user.update", 0, detail)
	})
}

// DisableUser stops an account: its sessions end at once, its API tokens are revoked, and it
// can no longer sign in. Nothing it did is removed. An admin cannot disable themselves (ErrOwnAccount).
func (s *Store) DisableUser(ctx context.Context, id int64, actor Actor) error {
	if id == actor.UserID {
		return ErrOwnAccount
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?`), utc(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE user_id = ?`), id); err != nil {
			return err
		}
		// Its API tokens are revoked for good: enabling the account again must not revive a
		// token that may have leaked while it was off. The user gets new tokens instead.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), utc(s.now()), id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.disable", 0, map[string]any{"user": id})
	})
}

// EnableUser lets a disabled account sign in again.
func (s *Store) EnableUser(ctx context.Context, id int64, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled_at = NULL WHERE id = ?`), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.appendAudit(ctx, tx, actor, "user.enable", 0, map[string]any{"user": id})
	})
}
