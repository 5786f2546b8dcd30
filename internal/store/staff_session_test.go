package store_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestStaffSessionsExpireAndRotate(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			now := start
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }})
			h := handler(t, s)

			token, err := s.CreateStaffSession(ctx, h.UserID, false)
			if err != nil {
				t.Fatal(err)
			}
			ss, err := s.StaffSessionUser(ctx, token)
			if err != nil || ss.User.ID != h.UserID || ss.TOTPVerified || ss.TOTPEnrolled || ss.TOTPRequired {
				t.Fatalf("fresh session = %+v, %v", ss, err)
			}
			if _, err := s.StaffSessionUser(ctx, token+"x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("altered token: %v", err)
			}
			if _, err := s.StaffSessionUser(ctx, ""); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("empty token: %v", err)
			}

			// A new sign-in never reuses a token.
			second, _ := s.CreateStaffSession(ctx, h.UserID, false)
			if second == token {
				t.Fatal("two sign-ins share a token")
			}

			// Passing the second factor issues a new token and retires the old one.
			verified, err := s.MarkStaffSessionVerified(ctx, token, "totp")
			if err != nil || verified == token {
				t.Fatalf("verified token = %q, %v", verified, err)
			}
			if _, err := s.StaffSessionUser(ctx, token); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the pre-verification token still works: %v", err)
			}
			if _, err := s.MarkStaffSessionVerified(ctx, token, "totp"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the retired token was verified again: %v", err)
			}
			if ss, err := s.StaffSessionUser(ctx, verified); err != nil || !ss.TOTPVerified || !ss.CreatedAt.Equal(start) {
				t.Fatalf("verified session = %+v, %v", ss, err)
			}

			// Activity every 20 minutes keeps it alive until the absolute limit.
			for now.Add(20*time.Minute).Sub(start) <= store.StaffSessionMax {
				now = now.Add(20 * time.Minute)
				if _, err := s.StaffSessionUser(ctx, verified); err != nil {
					t.Fatalf("active session ended at %v: %v", now, err)
				}
			}
			now = now.Add(20 * time.Minute)
			if _, err := s.StaffSessionUser(ctx, verified); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("session outlived the absolute limit: %v", err)
			}

			idle, _ := s.CreateStaffSession(ctx, h.UserID, true)
			now = now.Add(store.StaffSessionIdle - time.Second)
			if _, err := s.StaffSessionUser(ctx, idle); err != nil {
				t.Fatalf("session ended before the idle limit: %v", err)
			}
			now = now.Add(store.StaffSessionIdle + time.Second)
			if _, err := s.StaffSessionUser(ctx, idle); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("idle session still open: %v", err)
			}
			if _, err := s.MarkStaffSessionVerified(ctx, idle, "totp"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("an idle session was verified: %v", err)
			}

			out, _ := s.CreateStaffSession(ctx, h.UserID, true)
			if err := s.DeleteStaffSession(ctx, out); err != nil {
				t.Fatal(err)
			}
			if _, err := s.StaffSessionUser(ctx, out); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("signed-out session still open: %v", err)
			}

			// A password change ends every session of the user.
			a, _ := s.CreateStaffSession(ctx, h.UserID, true)
			b, _ := s.CreateStaffSession(ctx, h.UserID, false)
			other := handler(t, s)
			c, _ := s.CreateStaffSession(ctx, other.UserID, true)
			if err := s.SetUserPassword(ctx, h.UserID, "$argon2id$new", h); err != nil {
				t.Fatal(err)
			}
			for _, tok := range []string{a, b} {
				if _, err := s.StaffSessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("session survived a password change: %v", err)
				}
			}
			if _, err := s.StaffSessionUser(ctx, c); err != nil {
				t.Fatalf("another user's session ended: %v", err)
			}
			if hash, _ := s.UserPasswordHash(ctx, h.UserID); hash != "$argon2id$new" {
				t.Fatalf("password hash = %q", hash)
			}
			if err := s.DeleteUserSessions(ctx, other.UserID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.StaffSessionUser(ctx, c); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("session survived DeleteUserSessions: %v", err)
			}
		})
	}
}

func TestDisabledUserHasNoSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		token, _ := s.CreateStaffSession(ctx, h.UserID, true)
		disable := `UPDATE users SET disabled_at = ? WHERE id = ?`
		if s.Dialect() == store.Postgres {
			disable = `UPDATE users SET disabled_at = $1 WHERE id = $2`
		}
		if _, err := s.DB().Exec(disable, time.Now().UTC(), h.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StaffSessionUser(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a disabled user's session works: %v", err)
		}
	})
}

func TestTOTPEnrolmentAndReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		st, err := s.UserTOTP(ctx, h.UserID)
		if err != nil || st.Sealed != nil || st.LastStep != 0 || st.Required {
			t.Fatalf("new user's second factor = %+v, %v", st, err)
		}
		if ok, err := s.AcceptTOTPStep(ctx, h.UserID, 100); ok || err != nil {
			t.Fatalf("a step was accepted with no secret: %v %v", ok, err)
		}

		// The pending secret lives with the session until confirmed.
		token, _ := s.CreateStaffSession(ctx, h.UserID, false)
		if p, err := s.StaffSessionPendingTOTP(ctx, token); p != nil || err != nil {
			t.Fatalf("pending secret before enrolment = %x, %v", p, err)
		}
		if err := s.SetStaffSessionPendingTOTP(ctx, token, []byte("sealed-secret")); err != nil {
			t.Fatal(err)
		}
		if p, err := s.StaffSessionPendingTOTP(ctx, token); string(p) != "sealed-secret" || err != nil {
			t.Fatalf("pending secret = %q, %v", p, err)
		}

		codes := [][]byte{[]byte("hash-1"), []byte("hash-2")}
		if err := s.SetUserTOTP(ctx, h.UserID, []byte("sealed-secret"), 1000, codes); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserTOTP(ctx, h.UserID, []byte("another"), 2000, nil); !errors.Is(err, store.ErrTOTPEnrolled) {
			t.Fatalf("a second enrolment replaced the first: %v", err)
		}
		st, _ = s.UserTOTP(ctx, h.UserID)
		if !bytes.Equal(st.Sealed, []byte("sealed-secret")) || st.LastStep != 1000 {
			t.Fatalf("enrolled state = %+v", st)
		}
		verified, _ := s.MarkStaffSessionVerified(ctx, token, "enrolment")
		if p, _ := s.StaffSessionPendingTOTP(ctx, verified); p != nil {
			t.Fatal("the pending secret outlived enrolment")
		}
		if ss, _ := s.StaffSessionUser(ctx, verified); !ss.TOTPEnrolled {
			t.Fatalf("session does not show the enrolment: %+v", ss)
		}

		// The confirming code's step, and any earlier step, cannot be used again.
		for _, step := range []int64{999, 1000} {
			if ok, _ := s.AcceptTOTPStep(ctx, h.UserID, step); ok {
				t.Fatalf("step %d accepted after step 1000", step)
			}
		}
		if ok, err := s.AcceptTOTPStep(ctx, h.UserID, 1001); !ok || err != nil {
			t.Fatalf("the next step was refused: %v", err)
		}
		if ok, _ := s.AcceptTOTPStep(ctx, h.UserID, 1001); ok {
			t.Fatal("the same step was accepted twice")
		}

		// Racing requests with one code: exactly one wins.
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.AcceptTOTPStep(ctx, h.UserID, 1002)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d concurrent uses of one step were accepted", wins)
		}

		if err := s.SetUserTOTPRequired(ctx, h.UserID, true, system); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.UserTOTP(ctx, h.UserID); !st.Required {
			t.Fatal("requirement not stored")
		}

		if err := s.ResetUserTOTP(ctx, h.UserID, system); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.UserTOTP(ctx, h.UserID); st.Sealed != nil || st.LastStep != 0 {
			t.Fatalf("after reset = %+v", st)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, h.UserID); n != 0 {
			t.Fatalf("%d recovery codes survived a reset", n)
		}
		if _, err := s.StaffSessionUser(ctx, verified); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("a session survived a second-factor reset")
		}
		if _, err := s.UserTOTP(ctx, 987654); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestRecoveryCodesWorkOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h, other := handler(t, s), handler(t, s)
		if err := s.SetRecoveryCodes(ctx, h.UserID, [][]byte{[]byte("a"), []byte("b"), []byte("c")}); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.UseRecoveryCode(ctx, other.UserID, []byte("a")); ok {
			t.Fatal("another user's code was accepted")
		}
		if ok, err := s.UseRecoveryCode(ctx, h.UserID, []byte("a")); !ok || err != nil {
			t.Fatalf("first use refused: %v", err)
		}
		if ok, _ := s.UseRecoveryCode(ctx, h.UserID, []byte("a")); ok {
			t.Fatal("a recovery code worked twice")
		}
		if ok, _ := s.UseRecoveryCode(ctx, h.UserID, []byte("zzz")); ok {
			t.Fatal("an unknown code was accepted")
		}
		if n, _ := s.RecoveryCodesLeft(ctx, h.UserID); n != 2 {
			t.Fatalf("%d codes left, want 2", n)
		}
		// New codes replace the old ones, used or not.
		if err := s.SetRecoveryCodes(ctx, h.UserID, [][]byte{[]byte("d")}); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.UseRecoveryCode(ctx, h.UserID, []byte("b")); ok {
			t.Fatal("a replaced code still works")
		}
		if ok, _ := s.UseRecoveryCode(ctx, h.UserID, []byte("d")); !ok {
			t.Fatal("a new code was refused")
		}
	})
}

// TestAccountAuditEntries: signing in, the second factor, recovery codes and password changes
// are in the audit log, with no secret, code or password in it.
func TestAccountAuditEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		token, _ := s.CreateStaffSession(ctx, h.UserID, false)
		s.SetUserTOTP(ctx, h.UserID, []byte("SEALEDSECRETMARKER"), 5, [][]byte{[]byte("RECOVERYHASHMARKER")})
		s.MarkStaffSessionVerified(ctx, token, "totp")
		s.UseRecoveryCode(ctx, h.UserID, []byte("RECOVERYHASHMARKER"))
		s.SetUserPassword(ctx, h.UserID, "$argon2id$PASSWORDMARKER", h)

		rows, err := s.DB().Query(`SELECT actor, action, detail FROM audit_log ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := map[string]bool{}
		for rows.Next() {
			var actor, action, detail string
			if err := rows.Scan(&actor, &action, &detail); err != nil {
				t.Fatal(err)
			}
			seen[action] = true
			if strings.Contains(detail, "MARKER") {
				t.Errorf("%s records a secret: %s", action, detail)
			}
			if strings.HasPrefix(action, "user.") && action != "user.create" && actor == "system" {
				t.Errorf("%s is not attributed to the user", action)
			}
		}
		for _, want := range []string{"user.login", "user.totp_enrol", "user.second_factor", "user.recovery_code_use", "user.password_change"} {
			if !seen[want] {
				t.Errorf("no %s entry", want)
			}
		}
		if v, err := s.VerifyAudit(ctx); err != nil || v.Break != nil {
			t.Fatalf("audit chain: %+v, %v", v, err)
		}
	})
}
