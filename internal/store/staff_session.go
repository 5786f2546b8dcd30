package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// Staff sessions end after this much inactivity, and in any case this long after sign-in.
const (
	StaffSessionIdle = 30 * time.Minute
	StaffSessionMax  = 12 * time.Hour
)

// ErrTOTPEnrolled is returned when a second factor is enrolled for a user who already has one:
// replacing it takes an admin's reset (ResetUserTOTP), never a half-signed-in session.
var ErrTOTPEnrolled = errors.New("the account already has a second factor")

// StaffSession is a live staff sign-in and what the sign-in pages need to know about its user.
type StaffSession struct {
	User         User
	TOTPVerified bool // the session passed the second factor
	TOTPEnrolled bool // the user has a TOTP secret
	TOTPRequired bool // an admin requires the second factor of this user (beyond the roles that always need it)
	CreatedAt    time.Time
}

// newSessionToken is 32 random bytes, base64url: the cookie's value. Only its keyed hash is
// stored.
func newSessionToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// userActor is a user as the audit log names them, for the entries users write about
// themselves (signing in, enrolling a second factor).
func (s *Store) userActor(ctx context.Context, tx *sql.Tx, userID int64) (Actor, error) {
	var a Actor
	err := tx.QueryRowContext(ctx, s.q(`SELECT role, COALESCE(member_id, 0) FROM users WHERE id = ?`), userID).Scan(&a.Role, &a.MemberID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.UserID = userID
	return a, err
}

// CreateStaffSession starts a session for a user whose password was right, always with a new
// random token (a token from before sign-in is never carried over). totpVerified says whether
// the second factor is already passed; normally it is not, and MarkStaffSessionVerified follows.
func (s *Store) CreateStaffSession(ctx context.Context, userID int64, totpVerified bool) (string, error) {
	token, err := newSessionToken()
	if err != nil {
		return "", err
	}
	now := utc(s.now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		actor, err := s.userActor(ctx, tx, userID)
		if err != nil {
			return err
		}
		// Expired sessions are swept at sign-in rather than by a timer.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE last_seen_at < ? OR created_at < ?`), now.Add(-StaffSessionIdle), now.Add(-StaffSessionMax)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at, totp_verified) VALUES (?, ?, ?, ?, ?)`),
			s.keys.TokenHash(token), userID, now, now, totpVerified); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.login", 0, map[string]any{"user": userID, "second_factor_passed": totpVerified})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// extraScan scans a user row followed by more columns, so scanUser can be reused.
type extraScan struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

// StaffSessionUser returns the live session a token opens and its active user, and keeps the
// session alive (writing at most once a minute). An unknown, expired or disabled user's
// session is ErrNotFound.
func (s *Store) StaffSessionUser(ctx context.Context, token string) (StaffSession, error) {
	if token == "" {
		return StaffSession{}, ErrNotFound
	}
	now := utc(s.now())
	hash := s.keys.TokenHash(token)
	var ss StaffSession
	var seen time.Time
	u, err := scanUser(extraScan{
		row: s.read.QueryRowContext(ctx, s.q(`SELECT `+userColumns+`, s.created_at, s.last_seen_at, s.totp_verified, u.totp_secret_sealed IS NOT NULL, u.totp_required
			FROM staff_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled_at IS NULL`), hash),
		extra: []any{&ss.CreatedAt, &seen, &ss.TOTPVerified, &ss.TOTPEnrolled, &ss.TOTPRequired},
	})
	if err != nil {
		return StaffSession{}, err
	}
	ss.User = u
	if now.Sub(seen) > StaffSessionIdle || now.Sub(ss.CreatedAt) > StaffSessionMax {
		return StaffSession{}, ErrNotFound
	}
	if now.Sub(seen) > time.Minute { // spare the single writer a write on every page view
		if _, err := s.db.ExecContext(ctx, s.q(`UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?`), now, hash); err != nil {
			return StaffSession{}, err
		}
	}
	return ss, nil
}

// MarkStaffSessionVerified records that a session passed the second factor by method ("totp",
// "recovery_code" or "enrolment"). The session gets a new token, returned here, since its
// privilege changes; the old one stops working. The sign-in time (and so the absolute limit)
// is kept.
func (s *Store) MarkStaffSessionVerified(ctx context.Context, token, method string) (string, error) {
	newToken, err := newSessionToken()
	if err != nil {
		return "", err
	}
	now := utc(s.now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, s.q(`UPDATE staff_sessions SET token_hash = ?, totp_verified = ?, pending_totp_sealed = NULL, last_seen_at = ?
			WHERE token_hash = ? AND last_seen_at >= ? AND created_at >= ? RETURNING user_id`),
			s.keys.TokenHash(newToken), true, now, s.keys.TokenHash(token), now.Add(-StaffSessionIdle), now.Add(-StaffSessionMax)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		actor, err := s.userActor(ctx, tx, userID)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.second_factor", 0, map[string]any{"user": userID, "method": method})
	})
	if err != nil {
		return "", err
	}
	return newToken, nil
}

// SetStaffSessionPendingTOTP keeps the sealed secret being enrolled with the session until a
// code from the user's app confirms it.
func (s *Store) SetStaffSessionPendingTOTP(ctx context.Context, token string, sealed []byte) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE staff_sessions SET pending_totp_sealed = ? WHERE token_hash = ?`), sealed, s.keys.TokenHash(token))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// StaffSessionPendingTOTP is the sealed secret being enrolled in a session, nil when none.
func (s *Store) StaffSessionPendingTOTP(ctx context.Context, token string) ([]byte, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT pending_totp_sealed FROM staff_sessions WHERE token_hash = ?`), s.keys.TokenHash(token)).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return sealed, err
}

// DeleteStaffSession signs a session out.
func (s *Store) DeleteStaffSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE token_hash = ?`), s.keys.TokenHash(token))
	return err
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE user_id = ?`), userID)
	return err
}

// SetUserPassword stores a new argon2id hash and ends all the user's sessions, in one
// transaction; a user changing their own password signs in again (or gets a new session).
func (s *Store) SetUserPassword(ctx context.Context, userID int64, passwordHash string, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), passwordHash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE user_id = ?`), userID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.password_change", 0, map[string]any{"user": userID})
	})
}

// TOTPState is a user's second factor as stored.
type TOTPState struct {
	Sealed   []byte // the sealed TOTP secret; nil when none is enrolled
	LastStep int64  // the last time step a code was accepted for; 0 when none
	Required bool   // an admin requires a second factor of this user
}

// UserTOTP returns a user's second-factor state.
func (s *Store) UserTOTP(ctx context.Context, userID int64) (TOTPState, error) {
	var st TOTPState
	var last sql.NullInt64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT totp_secret_sealed, totp_last_step, totp_required FROM users WHERE id = ?`), userID).Scan(&st.Sealed, &last, &st.Required)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	st.LastStep = last.Int64
	return st, err
}

// SetUserTOTP enrols a second factor: the sealed secret, the time step of the code that
// confirmed it (which therefore cannot be used again) and the keyed hashes of fresh recovery
// codes, in one transaction. A user who already has a secret gets ErrTOTPEnrolled.
func (s *Store) SetUserTOTP(ctx context.Context, userID int64, sealed []byte, confirmedStep int64, recoveryHashes [][]byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		actor, err := s.userActor(ctx, tx, userID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET totp_secret_sealed = ?, totp_last_step = ? WHERE id = ? AND totp_secret_sealed IS NULL`), sealed, confirmedStep, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTOTPEnrolled
		}
		if err := s.replaceRecoveryCodes(ctx, tx, userID, recoveryHashes); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.totp_enrol", 0, map[string]any{"user": userID, "recovery_codes": len(recoveryHashes)})
	})
}

// ResetUserTOTP removes a user's second factor, recovery codes and sessions at once; they enrol
// again at their next sign-in. The admin's page goes through RequestTOTPReset, which asks a
// handler's approval where one is needed; this is the reset itself.
func (s *Store) ResetUserTOTP(ctx context.Context, userID int64, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.resetTOTP(ctx, tx, userID, actor) })
}

func (s *Store) resetTOTP(ctx context.Context, tx *sql.Tx, userID int64, actor Actor) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET totp_secret_sealed = NULL, totp_last_step = NULL WHERE id = ?`), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	for _, q := range []string{`DELETE FROM staff_recovery_codes WHERE user_id = ?`, `DELETE FROM staff_sessions WHERE user_id = ?`} {
		if _, err := tx.ExecContext(ctx, s.q(q), userID); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, "user.totp_reset", 0, map[string]any{"user": userID})
}

// SetUserTOTPRequired makes the second factor mandatory (or optional again) for a user whose
// role does not always need it.
func (s *Store) SetUserTOTPRequired(ctx context.Context, userID int64, required bool, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET totp_required = ? WHERE id = ?`), required, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.appendAudit(ctx, tx, actor, "user.totp_required", 0, map[string]any{"user": userID, "required": required})
	})
}

// AcceptTOTPStep records that a code for time step was used, and answers false when that step
// (or a later one) was already used: a code seen by someone else over the user's shoulder or
// in transit cannot be replayed. The check and the write are one statement, so two requests
// racing with the same code cannot both pass.
func (s *Store) AcceptTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret_sealed IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)`), step, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, hashes [][]byte) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_recovery_codes WHERE user_id = ?`), userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES (?, ?)`), userID, h); err != nil {
			return err
		}
	}
	return nil
}

// SetRecoveryCodes replaces a user's recovery codes (given as keyed hashes) with new ones.
func (s *Store) SetRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		actor, err := s.userActor(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := s.replaceRecoveryCodes(ctx, tx, userID, hashes); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.recovery_codes", 0, map[string]any{"user": userID, "count": len(hashes)})
	})
}

// UseRecoveryCode spends one of a user's recovery codes, given as its keyed hash. It answers
// false for a code that is unknown or already used; each code works once.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (bool, error) {
	used := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE staff_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`), utc(s.now()), userID, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		used = true
		actor, err := s.userActor(ctx, tx, userID)
		if err != nil {
			return err
		}
		var left int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM staff_recovery_codes WHERE user_id = ? AND used_at IS NULL`), userID).Scan(&left); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "user.recovery_code_use", 0, map[string]any{"user": userID, "left": left})
	})
	return used && err == nil, err
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM staff_recovery_codes WHERE user_id = ? AND used_at IS NULL`), userID).Scan(&n)
	return n, err
}
