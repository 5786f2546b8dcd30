package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Set-up links: staff choose their own password through a one-time link, so that no
// administrator ever knows it. The link's token is returned once and kept only as a keyed hash.

// SetupPurpose says what a set-up link sets.
type SetupPurpose string

const (
	// SetupAccount sets a new account's first password.
	SetupAccount SetupPurpose = "setup"
	// SetupPasswordReset sets a new password for an account that has one. An enrolled second
	// factor stays: whoever holds the link (an admin, say) still cannot pass it.
	SetupPasswordReset SetupPurpose = "password_reset"
)

// SetupLinkLifetime is how long a link works: long enough to reach someone over a weekend by a
// channel of the admin's own, short enough that a forgotten link is soon worthless.
const SetupLinkLifetime = 72 * time.Hour

var (
	// ErrSetupLinkUsed is a link that already set a password: each works once.
	ErrSetupLinkUsed = errors.New("the set-up link was already used")
	// ErrSetupLinkExpired is a link older than SetupLinkLifetime.
	ErrSetupLinkExpired = errors.New("the set-up link has expired")
	// ErrSetupLinkRevoked is a link a newer one for the same user replaced.
	ErrSetupLinkRevoked = errors.New("a newer link replaced the set-up link")
	// ErrSetupFinished: a set-up link is for an account with no password yet; one that has a
	// password gets a password reset link instead.
	ErrSetupFinished = errors.New("the account is already set up")
	// ErrSetupNotFinished: a password reset is for an account that has a password; one that
	// never finished its set-up gets a fresh set-up link instead.
	ErrSetupNotFinished = errors.New("the account has not finished its set-up")
	// ErrUserDisabled: a disabled account gets no link.
	ErrUserDisabled = errors.New("the account is disabled")
)

// SetupLink is a link that works, with the account it sets.
type SetupLink struct {
	ID        int64
	User      User
	Purpose   SetupPurpose
	ExpiresAt time.Time
}

// Issued is the answer to asking for a link: the link's token, shown once, or, when the request
// waits for a case handler's approval, no token and the approval request's id.
type Issued struct {
	Token      string
	ExpiresAt  time.Time
	Email      string // the login of the account the link is for, to say so beside it
	ApprovalID int64
}

// Pending reports whether the link waits for a handler's approval.
func (i Issued) Pending() bool { return i.Token == "" }

// InviteUser adds an account with no usable password and, in the same transaction, either its
// set-up link (returned once, for the admin or the operator to pass on) or, for a handler account
// an admin asks for, a request that another handler must approve before any link exists.
func (s *Store) InviteUser(ctx context.Context, u User, actor Actor) (int64, Issued, error) {
	var id int64
	var issued Issued
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = s.insertUser(ctx, tx, u, "", actor); err != nil {
			return err
		}
		issued, err = s.requestLink(ctx, tx, id, u.Role, SetupAccount, actor)
		return err
	})
	return id, issued, err
}

// IssueSetupLink makes a new link for an existing account: SetupAccount for one that has not
// finished its set-up (ErrSetupFinished otherwise), SetupPasswordReset for one that has
// (ErrSetupNotFinished otherwise). The newest link revokes the older ones. For a handler account
// an admin gets a request waiting for another handler's approval instead (Issued.Pending). An
// admin gets no link for their own account (ErrOwnAccount): a stolen session must not be able to
// set its owner's password.
func (s *Store) IssueSetupLink(ctx context.Context, userID int64, purpose SetupPurpose, actor Actor) (Issued, error) {
	var issued Issued
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if userID == actor.UserID {
			return ErrOwnAccount
		}
		var role, hash string
		var disabled sql.NullTime
		err := tx.QueryRowContext(ctx, s.q(`SELECT role, password_hash, disabled_at FROM users WHERE id = ?`), userID).Scan(&role, &hash, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		switch {
		case disabled.Valid:
			return ErrUserDisabled
		case purpose == SetupAccount && hash != "":
			return ErrSetupFinished
		case purpose == SetupPasswordReset && hash == "":
			return ErrSetupNotFinished
		case purpose != SetupAccount && purpose != SetupPasswordReset:
			return errors.New("unknown set-up purpose " + string(purpose))
		}
		issued, err = s.requestLink(ctx, tx, userID, grievance.Role(role), purpose, actor)
		return err
	})
	return issued, err
}

// requestLink issues a link, or asks for approval when needsApproval says so.
func (s *Store) requestLink(ctx context.Context, tx *sql.Tx, userID int64, role grievance.Role, purpose SetupPurpose, actor Actor) (Issued, error) {
	kind := ApprovalKind(purpose)
	if needsApproval(kind, role, actor) {
		id, err := s.requestApproval(ctx, tx, userID, kind, actor)
		return Issued{ApprovalID: id}, err
	}
	return s.issueSetupLink(ctx, tx, userID, purpose, actor)
}

// issueSetupLink stores a new link for userID and revokes the older ones, with its audit entry;
// to names who is shown the token.
func (s *Store) issueSetupLink(ctx context.Context, tx *sql.Tx, userID int64, purpose SetupPurpose, to Actor) (Issued, error) {
	token, err := newSessionToken() // 256 random bits, base64url: the same strength as a session
	if err != nil {
		return Issued{}, err
	}
	now := utc(s.now())
	res, err := tx.ExecContext(ctx, s.q(`UPDATE setup_links SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL`), now, userID)
	if err != nil {
		return Issued{}, err
	}
	revoked, _ := res.RowsAffected()
	issued := Issued{Token: token, ExpiresAt: now.Add(SetupLinkLifetime)}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT email FROM users WHERE id = ?`), userID).Scan(&issued.Email); err != nil {
		return Issued{}, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO setup_links (user_id, purpose, token_hash, issued_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		userID, string(purpose), s.keys.SetupLinkHash(token), to.String(), now, issued.ExpiresAt).Scan(&id); err != nil {
		return Issued{}, err
	}
	return issued, s.appendAudit(ctx, tx, to, "user.setup_link_issue", 0, map[string]any{"user": userID, "link": id, "purpose": purpose, "revoked": revoked})
}

// setupLinkState reads the link a token names and says why it does not work, if it does not.
func (s *Store) setupLinkState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, token string) (SetupLink, error) {
	var l SetupLink
	if token == "" || len(token) > 100 {
		return l, ErrNotFound
	}
	var purpose string
	var used, revoked, disabled sql.NullTime
	u, err := scanUser(extraScan{
		row: q.QueryRowContext(ctx, s.q(`SELECT `+userColumns+`, l.id, l.purpose, l.expires_at, l.used_at, l.revoked_at, u.disabled_at
			FROM setup_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = ?`), s.keys.SetupLinkHash(token)),
		extra: []any{&l.ID, &purpose, &l.ExpiresAt, &used, &revoked, &disabled},
	})
	if err != nil {
		return l, err
	}
	l.User, l.Purpose = u, SetupPurpose(purpose)
	switch {
	case disabled.Valid:
		return l, ErrNotFound // a disabled account's links say nothing about it
	case used.Valid:
		return l, ErrSetupLinkUsed
	case revoked.Valid:
		return l, ErrSetupLinkRevoked
	case !utc(s.now()).Before(l.ExpiresAt):
		return l, ErrSetupLinkExpired
	}
	return l, nil
}

// SetupLinkByToken returns the link a token opens, for showing its page: ErrNotFound for a token
// no link has (or a disabled account's), ErrSetupLinkUsed, ErrSetupLinkRevoked or
// ErrSetupLinkExpired for one that no longer works.
func (s *Store) SetupLinkByToken(ctx context.Context, token string) (SetupLink, error) {
	return s.setupLinkState(ctx, s.read, token)
}

// UseSetupLink spends a link: the link is marked used, the account's password set and its
// sessions ended, in one transaction, so that of two requests racing with the same link only
// one sets a password. A second factor the user enrolled stays. The errors are those of
// SetupLinkByToken.
func (s *Store) UseSetupLink(ctx context.Context, token, passwordHash string) (SetupLink, error) {
	if !strings.HasPrefix(passwordHash, "$argon2id$") {
		return SetupLink{}, errors.New("a set-up link sets an argon2id hash")
	}
	var l SetupLink
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if l, err = s.setupLinkState(ctx, tx, token); err != nil {
			return err
		}
		now := utc(s.now())
		// The conditions again, in the statement that spends the link: this is what makes it
		// single use when two requests read it as working at once.
		res, err := tx.ExecContext(ctx, s.q(`UPDATE setup_links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`), now, l.ID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrSetupLinkUsed
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ? AND disabled_at IS NULL`), passwordHash, l.User.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE user_id = ?`), l.User.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, l.User.Actor(), "user.setup_link_use", 0, map[string]any{"user": l.User.ID, "link": l.ID, "purpose": l.Purpose})
	})
	return l, err
}

// SetupState is where an account stands with its links and approvals, for the admin's page.
type SetupState struct {
	PasswordSet     bool      // the account has a password of its user's choosing
	LinkExpiresAt   time.Time // a link that works now expires then; zero when none does
	LinkPurpose     SetupPurpose
	PendingApproval ApprovalKind // a request waiting for a handler; "" when none
}

// UserSetupState reads an account's set-up state.
func (s *Store) UserSetupState(ctx context.Context, userID int64) (SetupState, error) {
	var st SetupState
	var hash string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT password_hash FROM users WHERE id = ?`), userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, err
	}
	st.PasswordSet = hash != ""
	var purpose string
	err = s.read.QueryRowContext(ctx, s.q(`SELECT purpose, expires_at FROM setup_links WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1`),
		userID, utc(s.now())).Scan(&purpose, &st.LinkExpiresAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	st.LinkPurpose = SetupPurpose(purpose)
	var kind string
	err = s.read.QueryRowContext(ctx, s.q(`SELECT kind FROM account_approvals WHERE user_id = ? AND decision IS NULL ORDER BY id DESC LIMIT 1`), userID).Scan(&kind)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	st.PendingApproval = ApprovalKind(kind)
	return st, nil
}
