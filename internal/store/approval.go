package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Approvals keep an administrator acting alone from reading cases: an admin sees no case content,
// and must not be able to make themselves an account that does. What would give an admin a way
// into such an account waits for a case handler other than the admin and the account itself.

// ApprovalKind is what an approval request asks for.
type ApprovalKind string

const (
	ApprovalSetup         ApprovalKind = ApprovalKind(SetupAccount)       // a new account's set-up link, for a role that sees case content
	ApprovalPasswordReset ApprovalKind = ApprovalKind(SetupPasswordReset) // a handler's password reset link
	ApprovalTOTPReset     ApprovalKind = "totp_reset"                     // removing the second factor of an account that sees case content
)

// ErrSelfApproval is a decision by the admin who asked, or by the account's own user: a request
// is decided by someone else.
var ErrSelfApproval = errors.New("a request is decided by a handler other than the requester and the account's user")

// ErrRoleNeedsNewAccount is a change of an existing account's role to one that sees case content
// (handler, member company, expert). An admin could otherwise set up a role without such sight
// (panel, say) with its link, then promote it past the handler approval and the second factor
// reset approval; such a role is given only to an account made for it.
var ErrRoleNeedsNewAccount = errors.New("an account gets a role that sees case content only when it is made")

// seesCaseContent names the roles that read narratives or identities: handlers, member companies'
// contacts (their company's referrals) and experts (the cases assigned to them).
func seesCaseContent(r grievance.Role) bool {
	return r == grievance.RoleHandler || r == grievance.RoleMember || r == grievance.RoleExpert
}

// needsApproval says whether what actor asks for on an account of role waits for a handler. The
// operator on the server (remedy user add: the system) needs no approval: that is how the first
// handler is made. A new account's set-up link and a second-factor reset wait for every account
// that sees case content: an admin who could set up a member company's contact for themselves
// would read that company's referrals, and one who could reset both the password and the second
// factor of an expert's account could become that expert. Password reset links (which keep the
// second factor) wait for handler accounts.
func needsApproval(kind ApprovalKind, role grievance.Role, actor Actor) bool {
	if actor.Role == string(grievance.RoleSystem) {
		return false
	}
	if kind == ApprovalTOTPReset || kind == ApprovalSetup {
		return seesCaseContent(role)
	}
	return role == grievance.RoleHandler
}

// Approval is a request waiting for a handler's decision.
type Approval struct {
	ID          int64
	Kind        ApprovalKind
	User        User // the account it is about
	RequestedBy User
	RequestedAt time.Time
}

// requestApproval records a request, replacing (withdrawing) an older one of the same kind for
// the same account, with its audit entry.
func (s *Store) requestApproval(ctx context.Context, tx *sql.Tx, userID int64, kind ApprovalKind, actor Actor) (int64, error) {
	if actor.UserID == 0 {
		return 0, errors.New("an approval request needs a requesting user")
	}
	now := utc(s.now())
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE account_approvals SET decision = 'withdrawn', decided_at = ? WHERE user_id = ? AND kind = ? AND decision IS NULL`), now, userID, string(kind)); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO account_approvals (user_id, kind, requested_by, requested_at) VALUES (?, ?, ?, ?) RETURNING id`),
		userID, string(kind), actor.UserID, now).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.appendAudit(ctx, tx, actor, "user.approval_request", 0, map[string]any{"user": userID, "approval": id, "kind": kind})
}

// Approvals lists the requests waiting for a decision, oldest first.
func (s *Store) Approvals(ctx context.Context) ([]Approval, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+`, a.id, a.kind, a.requested_at, r.id, r.email, r.display_name, r.role
		FROM account_approvals a JOIN users u ON u.id = a.user_id JOIN users r ON r.id = a.requested_by
		WHERE a.decision IS NULL ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		var a Approval
		var kind, role string
		u, err := scanUser(extraScan{row: rows, extra: []any{&a.ID, &kind, &a.RequestedAt, &a.RequestedBy.ID, &a.RequestedBy.Email, &a.RequestedBy.DisplayName, &role}})
		if err != nil {
			return nil, err
		}
		a.User, a.Kind, a.RequestedBy.Role = u, ApprovalKind(kind), grievance.Role(role)
		out = append(out, a)
	}
	return out, rows.Err()
}

// decideApproval claims a waiting request for approver's decision inside tx: the approver must
// be an active handler (ErrForbidden) other than the requester and the account's user
// (ErrSelfApproval); a request that is not waiting is ErrNotFound. The check and the claim are
// one statement, so two handlers deciding at once cannot both act.
func (s *Store) decideApproval(ctx context.Context, tx *sql.Tx, id int64, approver Actor, decision string) (userID int64, kind ApprovalKind, err error) {
	var role string
	err = tx.QueryRowContext(ctx, s.q(`SELECT role FROM users WHERE id = ? AND disabled_at IS NULL AND password_hash <> ''`), approver.UserID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && role != string(grievance.RoleHandler)) {
		return 0, "", ErrForbidden
	}
	if err != nil {
		return 0, "", err
	}
	var k string
	err = tx.QueryRowContext(ctx, s.q(`UPDATE account_approvals SET decision = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND decision IS NULL AND requested_by <> ? AND user_id <> ? RETURNING user_id, kind`),
		decision, approver.UserID, utc(s.now()), id, approver.UserID, approver.UserID).Scan(&userID, &k)
	if errors.Is(err, sql.ErrNoRows) {
		var requester, account int64
		err = tx.QueryRowContext(ctx, s.q(`SELECT requested_by, user_id FROM account_approvals WHERE id = ? AND decision IS NULL`), id).Scan(&requester, &account)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", ErrNotFound
		}
		if err == nil {
			err = ErrSelfApproval
		}
		return 0, "", err
	}
	return userID, ApprovalKind(k), err
}

// ApproveRequest carries out a waiting request as approver (a handler other than the requester
// and the account's user): a link request issues the link, returned once for the approver to
// pass on; a second-factor reset removes the second factor (Issued is then empty).
func (s *Store) ApproveRequest(ctx context.Context, id int64, approver Actor) (Issued, error) {
	var issued Issued
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		userID, kind, err := s.decideApproval(ctx, tx, id, approver, "approved")
		if err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, approver, "user.approval_approve", 0, map[string]any{"user": userID, "approval": id, "kind": kind}); err != nil {
			return err
		}
		if kind == ApprovalTOTPReset {
			return s.resetTOTP(ctx, tx, userID, approver)
		}
		issued, err = s.issueSetupLink(ctx, tx, userID, SetupPurpose(kind), approver)
		return err
	})
	return issued, err
}

// RefuseRequest turns a waiting request down, as a handler other than the requester and the
// account's user. A refused set-up leaves no usable account: the account, which never had a
// password, is disabled and any link it has revoked.
func (s *Store) RefuseRequest(ctx context.Context, id int64, approver Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		userID, kind, err := s.decideApproval(ctx, tx, id, approver, "refused")
		if err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, approver, "user.approval_refuse", 0, map[string]any{"user": userID, "approval": id, "kind": kind}); err != nil {
			return err
		}
		if kind != ApprovalSetup {
			return nil
		}
		now := utc(s.now())
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ? AND password_hash = ''`), now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // it was set up meanwhile (by the operator's link): refusing undoes nothing
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE setup_links SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL`), now, userID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, approver, "user.disable", 0, map[string]any{"user": userID, "reason": "setup_refused"})
	})
}

// RequestTOTPReset removes an account's second factor, recovery codes and sessions (for someone
// who lost their device and their codes), or, for an account that sees case content, asks a
// handler to approve that (pending). An admin cannot reset their own (ErrOwnAccount).
func (s *Store) RequestTOTPReset(ctx context.Context, userID int64, actor Actor) (pending bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if userID == actor.UserID {
			return ErrOwnAccount
		}
		var role string
		err := tx.QueryRowContext(ctx, s.q(`SELECT role FROM users WHERE id = ?`), userID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if pending = needsApproval(ApprovalTOTPReset, grievance.Role(role), actor); pending {
			_, err = s.requestApproval(ctx, tx, userID, ApprovalTOTPReset, actor)
			return err
		}
		return s.resetTOTP(ctx, tx, userID, actor)
	})
	return pending, err
}
