package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// clockStore is a store on a clock the test moves.
func clockStore(t *testing.T, d store.Dialect, dir string) (*store.Store, *time.Time) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	return storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }, DataDir: dir}), &now
}

var invited int

// invite makes an account of role for a set-up link, as actor asks.
func invite(t *testing.T, s *store.Store, role grievance.Role, actor store.Actor) (int64, store.Issued) {
	t.Helper()
	invited++
	u := store.User{Email: fmt.Sprintf("invited%d@example.org", invited), DisplayName: "Invited", Role: role}
	if role == grievance.RoleMember {
		mid, err := s.CreateMember(ctx, store.Member{NameEN: fmt.Sprintf("Member %d", invited), Sector: "apparel"}, system)
		if err != nil {
			t.Fatal(err)
		}
		u.MemberID = mid
	}
	id, issued, err := s.InviteUser(ctx, u, actor)
	if err != nil {
		t.Fatal(err)
	}
	return id, issued
}

func admin(t *testing.T, s *store.Store) store.Actor {
	t.Helper()
	invited++
	id, err := s.CreateUser(ctx, store.User{Email: fmt.Sprintf("admin%d@example.org", invited), DisplayName: "Admin", Role: grievance.RoleAdmin}, "$argon2id$x", system)
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{Role: "admin", UserID: id}
}

func TestSetupLinkWorksOnceAndUntilItExpires(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			s, now := clockStore(t, d, "")
			id, issued := invite(t, s, grievance.RolePanel, admin(t, s))
			if issued.Pending() || len(issued.Token) < 22 || !issued.ExpiresAt.Equal(now.Add(store.SetupLinkLifetime)) {
				t.Fatalf("issued %+v", issued)
			}
			if hash, _ := s.UserPasswordHash(ctx, id); hash != seal.NoPasswordHash() {
				t.Fatal("an invited account has a usable password hash")
			}
			if l, err := s.SetupLinkByToken(ctx, issued.Token); err != nil || l.User.ID != id || l.Purpose != store.SetupAccount {
				t.Fatalf("link = %+v, %v", l, err)
			}
			for _, bad := range []string{"", issued.Token + "x", strings.ToUpper(issued.Token), strings.Repeat("a", 1000)} {
				if _, err := s.SetupLinkByToken(ctx, bad); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("token %.20q: %v", bad, err)
				}
			}
			*now = now.Add(store.SetupLinkLifetime - time.Second)
			if _, err := s.UseSetupLink(ctx, issued.Token, "$argon2id$first"); err != nil {
				t.Fatal(err)
			}
			if hash, _ := s.UserPasswordHash(ctx, id); hash != "$argon2id$first" {
				t.Fatalf("password hash %q", hash)
			}
			if _, err := s.UseSetupLink(ctx, issued.Token, "$argon2id$second"); !errors.Is(err, store.ErrSetupLinkUsed) {
				t.Fatalf("second use: %v", err)
			}
			if _, err := s.SetupLinkByToken(ctx, issued.Token); !errors.Is(err, store.ErrSetupLinkUsed) {
				t.Fatalf("a used link's page: %v", err)
			}
			if hash, _ := s.UserPasswordHash(ctx, id); hash != "$argon2id$first" {
				t.Fatal("the second use changed the password")
			}

			// A link not used in time is worthless.
			late, issued := invite(t, s, grievance.RoleExpert, system)
			*now = now.Add(store.SetupLinkLifetime)
			if _, err := s.SetupLinkByToken(ctx, issued.Token); !errors.Is(err, store.ErrSetupLinkExpired) {
				t.Fatalf("expired link's page: %v", err)
			}
			if _, err := s.UseSetupLink(ctx, issued.Token, "$argon2id$late"); !errors.Is(err, store.ErrSetupLinkExpired) {
				t.Fatalf("expired link used: %v", err)
			}
			if st, _ := s.UserSetupState(ctx, late); st.PasswordSet || !st.LinkExpiresAt.IsZero() {
				t.Fatalf("after expiry: %+v", st)
			}
		})
	}
}

func TestNewerSetupLinkRevokesOlderOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		id, first := invite(t, s, grievance.RolePanel, a)
		second, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseSetupLink(ctx, first.Token, "$argon2id$old"); !errors.Is(err, store.ErrSetupLinkRevoked) {
			t.Fatalf("the older link: %v", err)
		}
		if _, err := s.UseSetupLink(ctx, second.Token, "$argon2id$new"); err != nil {
			t.Fatalf("the newer link: %v", err)
		}
		// Set up now: a set-up link is refused, a password reset link replaces nothing it should not.
		if _, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a); !errors.Is(err, store.ErrSetupFinished) {
			t.Fatalf("set-up link for a set-up account: %v", err)
		}
		other, _ := invite(t, s, grievance.RolePanel, a)
		if _, err := s.IssueSetupLink(ctx, other, store.SetupPasswordReset, a); !errors.Is(err, store.ErrSetupNotFinished) {
			t.Fatalf("reset link for an account with no password: %v", err)
		}
		if _, err := s.IssueSetupLink(ctx, a.UserID, store.SetupPasswordReset, a); !errors.Is(err, store.ErrOwnAccount) {
			t.Fatalf("an admin's link for themselves: %v", err)
		}
	})
}

// TestSetupLinkTokensAreStoredOnlyAsHashes reads every byte of the database (the SQLite files,
// or every text and bytea column on PostgreSQL) for the tokens the links were made with.
func TestSetupLinkTokensAreStoredOnlyAsHashes(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			s, _ := clockStore(t, d, dir)
			a := admin(t, s)
			var tokens []string
			id, issued := invite(t, s, grievance.RolePanel, a)
			tokens = append(tokens, issued.Token)
			again, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, again.Token)
			if _, err := s.UseSetupLink(ctx, again.Token, "$argon2id$x"); err != nil {
				t.Fatal(err)
			}
			reset, err := s.IssueSetupLink(ctx, id, store.SetupPasswordReset, a)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, reset.Token)
			got := auditActions(t, s)
			for action, n := range map[string]int{"user.create": 2, "user.setup_link_issue": 3, "user.setup_link_use": 1} {
				if got[action] != n {
					t.Errorf("%d %s entries, want %d", got[action], action, n)
				}
			}
			var revoked int
			s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'user.setup_link_issue' AND detail LIKE '%"revoked":1%'`).Scan(&revoked)
			if revoked != 1 {
				t.Errorf("%d link issues record revoking the older link, want 1", revoked)
			}
			var dump [][]byte
			if d == store.SQLite {
				dump = sqliteFiles(t, dir)
				s.Close()
				dump = append(dump, sqliteFiles(t, dir)...)
			} else {
				dump = postgresColumns(t, s)
			}
			if !containsAny(dump, []byte("invited")) {
				t.Fatal("the dump does not even hold the accounts' emails: it is not reading the database")
			}
			for _, tok := range tokens {
				if containsAny(dump, []byte(tok)) {
					t.Errorf("a set-up token is in the database in clear")
				}
			}
		})
	}
}

// auditActions counts the audit log's entries by action.
func auditActions(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	rows, err := s.DB().Query(`SELECT action FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		out[a]++
	}
	return out
}

func TestPasswordResetLinkKeepsTheSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		id, issued := invite(t, s, grievance.RoleExpert, system)
		if _, err := s.UseSetupLink(ctx, issued.Token, "$argon2id$mine"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserTOTP(ctx, id, []byte("sealed secret"), 7, [][]byte{[]byte("code")}); err != nil {
			t.Fatal(err)
		}
		reset, err := s.IssueSetupLink(ctx, id, store.SetupPasswordReset, a)
		if err != nil || reset.Pending() {
			t.Fatalf("reset link: %+v, %v", reset, err)
		}
		l, err := s.UseSetupLink(ctx, reset.Token, "$argon2id$admins")
		if err != nil || l.Purpose != store.SetupPasswordReset {
			t.Fatalf("reset: %+v, %v", l, err)
		}
		st, err := s.UserTOTP(ctx, id)
		if err != nil || string(st.Sealed) != "sealed secret" {
			t.Fatalf("the second factor after a password reset: %+v, %v", st, err)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, id); n != 1 {
			t.Fatalf("%d recovery codes after a password reset", n)
		}
	})
}

// TestHandlerAccessWaitsForAnotherHandler: what would let an admin into a handler's account (its
// set-up link, a password reset link, a second-factor reset) happens only when a handler other
// than the requester and the account's user approves it.
func TestHandlerAccessWaitsForAnotherHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		id, issued := invite(t, s, grievance.RoleHandler, a)
		if !issued.Pending() || issued.ApprovalID == 0 {
			t.Fatalf("an admin's new handler got a link at once: %+v", issued)
		}
		var links int
		s.DB().QueryRow(storetest.Rebind(s, `SELECT COUNT(*) FROM setup_links WHERE user_id = ?`), id).Scan(&links)
		if links != 0 {
			t.Fatalf("%d links exist before approval", links)
		}
		// Asking again replaces the request, still without a link.
		again, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a)
		if err != nil || !again.Pending() {
			t.Fatalf("a fresh link for the pending handler: %+v, %v", again, err)
		}
		list, _ := s.Approvals(ctx)
		if len(list) != 1 || list[0].ID != again.ApprovalID || list[0].User.ID != id || list[0].RequestedBy.ID != a.UserID || list[0].Kind != store.ApprovalSetup {
			t.Fatalf("waiting: %+v", list)
		}
		if _, err := s.ApproveRequest(ctx, issued.ApprovalID, handler(t, s)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("approving the replaced request: %v", err)
		}

		h1, h2 := handler(t, s), handler(t, s)
		for _, c := range []struct {
			name     string
			approver store.Actor
			want     error
		}{
			{"the requesting admin", a, store.ErrForbidden},
			{"another admin", admin(t, s), store.ErrForbidden},
			{"the account itself", store.Actor{Role: "handler", UserID: id}, store.ErrForbidden}, // it cannot sign in yet
			{"a disabled handler", disabledHandler(t, s, a), store.ErrForbidden},
		} {
			if _, err := s.ApproveRequest(ctx, again.ApprovalID, c.approver); !errors.Is(err, c.want) {
				t.Errorf("approval by %s: %v, want %v", c.name, err, c.want)
			}
		}
		ok, err := s.ApproveRequest(ctx, again.ApprovalID, h1)
		if err != nil || ok.Pending() {
			t.Fatalf("approval by a handler: %+v, %v", ok, err)
		}
		if _, err := s.ApproveRequest(ctx, again.ApprovalID, h2); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a second approval: %v", err)
		}
		if _, err := s.UseSetupLink(ctx, ok.Token, "$argon2id$new-handler"); err != nil {
			t.Fatal(err)
		}

		// A handler's password reset: the requester (here a handler acting through the store, as
		// no page lets one) and the account's own user cannot approve it.
		reset, err := s.IssueSetupLink(ctx, id, store.SetupPasswordReset, h1)
		if err != nil || !reset.Pending() {
			t.Fatalf("a handler's reset link: %+v, %v", reset, err)
		}
		for _, self := range []store.Actor{h1, {Role: "handler", UserID: id}} {
			if _, err := s.ApproveRequest(ctx, reset.ApprovalID, self); !errors.Is(err, store.ErrSelfApproval) {
				t.Errorf("approval by user %d: %v, want ErrSelfApproval", self.UserID, err)
			}
			if err := s.RefuseRequest(ctx, reset.ApprovalID, self); !errors.Is(err, store.ErrSelfApproval) {
				t.Errorf("refusal by user %d: %v, want ErrSelfApproval", self.UserID, err)
			}
		}
		if _, err := s.ApproveRequest(ctx, reset.ApprovalID, h2); err != nil {
			t.Fatal(err)
		}
		if got := auditActions(t, s); got["user.approval_request"] != 3 || got["user.approval_approve"] != 2 {
			t.Errorf("approval entries: %v", got)
		}

		// Second-factor resets wait for roles that see case content, not for the others.
		for _, c := range []struct {
			role grievance.Role
			wait bool
		}{
			{grievance.RoleHandler, true}, {grievance.RoleMember, true}, {grievance.RoleExpert, true},
			{grievance.RoleAdmin, false}, {grievance.RolePanel, false},
		} {
			uid, l := invite(t, s, c.role, system)
			s.UseSetupLink(ctx, l.Token, "$argon2id$x")
			if err := s.SetUserTOTP(ctx, uid, []byte("secret"), 1, nil); err != nil {
				t.Fatal(err)
			}
			pending, err := s.RequestTOTPReset(ctx, uid, a)
			st, _ := s.UserTOTP(ctx, uid)
			if err != nil || pending != c.wait || (st.Sealed == nil) == c.wait {
				t.Errorf("%s: second-factor reset pending=%v, enrolled after=%v, %v", c.role, pending, st.Sealed != nil, err)
			}
		}
	})
}

func disabledHandler(t *testing.T, s *store.Store, by store.Actor) store.Actor {
	h := handler(t, s)
	if err := s.DisableUser(ctx, h.UserID, by); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRefusedHandlerAccountIsLeftUnusable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		id, issued := invite(t, s, grievance.RoleHandler, a)
		if err := s.RefuseRequest(ctx, issued.ApprovalID, handler(t, s)); err != nil {
			t.Fatal(err)
		}
		if got := auditActions(t, s); got["user.approval_refuse"] != 1 || got["user.disable"] != 1 {
			t.Errorf("refusal entries: %v", got)
		}
		u, err := s.User(ctx, id)
		if err != nil || !u.Disabled() || u.PasswordSet {
			t.Fatalf("after refusal: %+v, %v", u, err)
		}
		if _, err := s.UserByEmail(ctx, u.Email); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the refused account can still be signed in to: %v", err)
		}
		if _, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a); !errors.Is(err, store.ErrUserDisabled) {
			t.Fatalf("a link for the refused account: %v", err)
		}
		// Enabling it again gives it no way in either: its next link waits for a handler again.
		if err := s.EnableUser(ctx, id, a); err != nil {
			t.Fatal(err)
		}
		if again, err := s.IssueSetupLink(ctx, id, store.SetupAccount, a); err != nil || !again.Pending() {
			t.Fatalf("a link after enabling: %+v, %v", again, err)
		}
	})
}

func TestNoAccountIsPromotedIntoCaseContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		panel, _ := invite(t, s, grievance.RolePanel, a)
		mid, _ := s.CreateMember(ctx, store.Member{NameEN: "Promo Ltd", Sector: "apparel"}, system)
		for _, u := range []store.User{
			{ID: panel, DisplayName: "P", Role: grievance.RoleHandler},
			{ID: panel, DisplayName: "P", Role: grievance.RoleExpert},
			{ID: panel, DisplayName: "P", Role: grievance.RoleMember, MemberID: mid},
		} {
			if err := s.UpdateUser(ctx, u, a); !errors.Is(err, store.ErrRoleNeedsNewAccount) {
				t.Errorf("panel to %s: %v", u.Role, err)
			}
		}
		if err := s.UpdateUser(ctx, store.User{ID: panel, DisplayName: "Now admin", Role: grievance.RoleAdmin}, a); err != nil {
			t.Errorf("panel to admin: %v", err)
		}
	})
}

func TestSecondFactorSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := admin(t, s)
		if optional, err := s.SecondFactorOptional(ctx); err != nil || optional {
			t.Fatalf("default: optional=%v, %v", optional, err)
		}
		for _, want := range []bool{true, false} {
			if err := s.SetSecondFactorOptional(ctx, want, a); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.SecondFactorOptional(ctx); got != want {
				t.Fatalf("optional = %v, want %v", got, want)
			}
		}
	})
}

// TestSetupLinkRaceSetsOnePassword: requests racing with the same link set one password between
// them. On PostgreSQL they really run at once (each reads the link as unused before the first
// commits), so this is what tests the check inside the statement that spends the link; SQLite's
// single writer runs them one after the other.
func TestSetupLinkRaceSetsOnePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for round := range 5 {
			_, issued := invite(t, s, grievance.RolePanel, system)
			before := auditActions(t, s)["user.setup_link_use"]
			const n = 8
			errs := make(chan error, n)
			start := make(chan struct{})
			for i := range n {
				go func() {
					<-start
					_, err := s.UseSetupLink(ctx, issued.Token, fmt.Sprintf("$argon2id$racer%d", i))
					errs <- err
				}()
			}
			close(start)
			won := 0
			for range n {
				switch err := <-errs; {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrSetupLinkUsed):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			uses := auditActions(t, s)["user.setup_link_use"] - before
			if won != 1 || uses != 1 {
				t.Fatalf("round %d: %d requests set a password, %d uses audited; want 1", round, won, uses)
			}
		}
	})
}
