package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestDisabledUserLosesSessionsAndSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		boss := store.Actor{Role: "admin", UserID: handler(t, s).UserID}
		tokens := []string{}
		for range 2 {
			tok, err := s.CreateStaffSession(ctx, h.UserID, true)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, tok)
		}
		u, _ := s.User(ctx, h.UserID)
		if err := s.DisableUser(ctx, h.UserID, boss); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM staff_sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d sessions left after disabling", n)
		}
		for _, tok := range tokens {
			if _, err := s.StaffSessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a disabled user's session still opens: %v", err)
			}
		}
		if _, err := s.UserByEmail(ctx, u.Email); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a disabled user is found for sign-in: %v", err)
		}
		row, _ := s.User(ctx, h.UserID)
		if !row.Disabled() {
			t.Fatal("User does not say the account is disabled")
		}
		if err := s.EnableUser(ctx, h.UserID, boss); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByEmail(ctx, u.Email); err != nil {
			t.Fatalf("an enabled user cannot sign in: %v", err)
		}
	})
}

func TestAdminCannotDisableOrDemoteThemselves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.CreateUser(ctx, store.User{Email: "boss@example.org", DisplayName: "Boss", Role: grievance.RoleAdmin}, "$argon2id$x", system)
		if err != nil {
			t.Fatal(err)
		}
		me := store.Actor{Role: "admin", UserID: id}
		if err := s.DisableUser(ctx, id, me); !errors.Is(err, store.ErrOwnAccount) {
			t.Fatalf("disable self: %v", err)
		}
		if err := s.UpdateUser(ctx, store.User{ID: id, DisplayName: "Boss", Role: grievance.RoleHandler}, me); !errors.Is(err, store.ErrOwnAccount) {
			t.Fatalf("demote self: %v", err)
		}
		if err := s.UpdateUser(ctx, store.User{ID: id, DisplayName: "The Boss", Role: grievance.RoleAdmin}, me); err != nil {
			t.Fatalf("renaming oneself: %v", err)
		}
		if u, _ := s.User(ctx, id); u.DisplayName != "The Boss" || u.Role != grievance.RoleAdmin || u.Disabled() {
			t.Fatalf("user = %+v", u)
		}
	})
}

func TestUpdateUserRoleAndCompany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boss := handler(t, s)
		boss.Role = "admin"
		m, mid := memberUser(t, s, "Acme")
		other, _ := s.CreateMember(ctx, store.Member{NameEN: "Other"}, system)
		tok, _ := s.CreateStaffSession(ctx, m.UserID, true)

		if err := s.UpdateUser(ctx, store.User{ID: m.UserID, DisplayName: "Contact", Role: grievance.RoleHandler, MemberID: mid}, boss); err == nil {
			t.Fatal("a handler with a member company was accepted")
		}
		if err := s.UpdateUser(ctx, store.User{ID: m.UserID, DisplayName: "Contact", Role: grievance.RoleMember}, boss); err == nil {
			t.Fatal("a member user without a company was accepted")
		}
		if err := s.UpdateUser(ctx, store.User{ID: m.UserID, DisplayName: "Contact", Role: grievance.RoleMember, MemberID: other}, boss); err != nil {
			t.Fatal(err)
		}
		u, _ := s.User(ctx, m.UserID)
		if u.MemberID != other || u.DisplayName != "Contact" {
			t.Fatalf("user = %+v", u)
		}
		if _, err := s.StaffSessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a session survived a change of company: %v", err)
		}
		if err := s.UpdateUser(ctx, store.User{ID: 9999, DisplayName: "x", Role: grievance.RolePanel}, boss); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		rows, err := s.Users(ctx)
		if err != nil || len(rows) != 2 {
			t.Fatalf("users = %+v, %v", rows, err)
		}
	})
}

func TestDisablingRevokesAPITokensForGood(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		boss := store.Actor{Role: "admin", UserID: handler(t, s).UserID}
		tok, err := s.CreateToken(ctx, h.UserID, "partner hotline", time.Time{}, boss)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); err != nil {
			t.Fatalf("a new token does not open: %v", err)
		}
		if err := s.DisableUser(ctx, h.UserID, boss); err != nil {
			t.Fatal(err)
		}
		if err := s.EnableUser(ctx, h.UserID, boss); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a token revived when its user was enabled again: %v", err)
		}
		fresh, err := s.CreateToken(ctx, h.UserID, "new", time.Time{}, boss)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, fresh); err != nil {
			t.Fatalf("a token made after re-enabling does not open: %v", err)
		}
	})
}
