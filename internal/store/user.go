package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// User is a staff, member, expert or panel account.
type User struct {
	ID          int64
	Email       string
	DisplayName string
	Role        grievance.Role
	MemberID    int64
	CreatedAt   time.Time
}

// Actor is the user as the audit log and the rules see them.
func (u User) Actor() Actor { return Actor{Role: string(u.Role), UserID: u.ID, MemberID: u.MemberID} }

// CreateUser adds an account; the password arrives already hashed with argon2id. Accounts made
// from the admin's pages have no password and a set-up link instead (InviteUser); this is for
// the demo, the tests and imports of accounts that already have one.
func (s *Store) CreateUser(ctx context.Context, u User, passwordHash string, actor Actor) (int64, error) {
	if passwordHash == "" {
		return 0, errors.New("an account made with CreateUser has a password; InviteUser makes one without")
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertUser(ctx, tx, u, passwordHash, actor)
		return err
	})
	return id, err
}

// insertUser adds an account with its audit entry. An empty passwordHash is an account with no
// usable password until its set-up link is used.
func (s *Store) insertUser(ctx context.Context, tx *sql.Tx, u User, passwordHash string, actor Actor) (int64, error) {
	if !u.Role.IsStaffRole() {
		return 0, errors.New("unknown role " + string(u.Role))
	}
	if (u.Role == grievance.RoleMember) != (u.MemberID != 0) {
		return 0, errors.New("a member user belongs to exactly one member company, and only member users do")
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO users (email, display_name, role, member_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		strings.ToLower(strings.TrimSpace(u.Email)), u.DisplayName, string(u.Role), nullInt(u.MemberID), passwordHash, utc(s.now())).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, s.appendAudit(ctx, tx, actor, "user.create", 0, map[string]any{"user": id, "role": u.Role, "password": passwordHash != ""})
}

const userColumns = `u.id, u.email, u.display_name, u.role, COALESCE(u.member_id, 0), u.created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.DisplayName, &role, &u.MemberID, &u.CreatedAt)
	u.Role = grievance.Role(role)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// UserByEmail finds an active account by its login.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.read.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users u WHERE u.email = ? AND u.disabled_at IS NULL`), strings.ToLower(strings.TrimSpace(email))))
}

// UserPasswordHash returns the stored argon2id hash for a login check. An account that has no
// password yet answers seal.NoPasswordHash, which no password verifies against, so that signing
// in to it takes the same path and time as a wrong password.
func (s *Store) UserPasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT password_hash FROM users WHERE id = ?`), userID).Scan(&h)
	if err == nil && h == "" {
		h = seal.NoPasswordHash()
	}
	return h, err
}

// CreateToken makes an API bearer token for a user. The token is returned once; only its keyed
// hash is kept.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string, expires time.Time, actor Actor) (string, error) {
	token, hash, err := s.keys.NewToken()
	if err != nil {
		return "", err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			userID, name, hash, utc(s.now()), nullTime(expires)).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "token.create", 0, map[string]any{"token": id, "user": userID})
	})
	return token, err
}

// UserByToken finds the active user a live token belongs to.
func (s *Store) UserByToken(ctx context.Context, token string) (User, error) {
	if !strings.HasPrefix(token, seal.TokenPrefix) {
		return User{}, ErrNotFound
	}
	return scanUser(s.read.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL`),
		s.keys.TokenHash(token), utc(s.now())))
}
