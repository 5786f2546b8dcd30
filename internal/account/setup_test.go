package account

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// invite makes an account of role with no password and answers its set-up link's path.
func (st *site) invite(email string, role grievance.Role) (int64, string) {
	st.t.Helper()
	u := store.User{Email: email, DisplayName: "Kim Lee", Role: role}
	if role == grievance.RoleMember {
		mid, err := st.store.CreateMember(ctx, store.Member{NameEN: "Member of " + email, Sector: "apparel"}, store.Actor{Role: "system"})
		if err != nil {
			st.t.Fatal(err)
		}
		u.MemberID = mid
	}
	id, issued, err := st.store.InviteUser(ctx, u, store.Actor{Role: "system"})
	if err != nil || issued.Pending() {
		st.t.Fatalf("invite: %+v, %v", issued, err)
	}
	return id, SetupPath + issued.Token
}

const newPassword = "seven purple lanterns drifting"

func setupForm(pw, confirm string) url.Values {
	return url.Values{"password": {pw}, "confirm": {confirm}}
}

func TestSetupLinkSetsThePasswordOnceAndSignsIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		const email = "contact@member.example"
		_, link := st.invite(email, grievance.RoleMember)

		// Before set-up the account cannot be signed in to, with any password or none.
		for _, pw := range []string{"", newPassword} {
			wantText(t, st.browser("198.51.100.40").login(email, pw), http.StatusUnauthorized, "staff.login.wrong")
		}

		b := st.browser("198.51.100.41")
		w := b.do("GET", link, nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `value="`+email+`"`) || !strings.Contains(w.Body.String(), `action="`+link+`"`) {
			t.Fatalf("set-up page %d: %.800s", w.Code, w.Body.String())
		}
		if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("set-up page headers %v", w.Header())
		}
		for _, c := range []struct {
			name, pw, confirm, key string
		}{
			{"too short", "short", "short", PasswordTooShort},
			{"common", "password1234", "password1234", PasswordCommon},
			{"not the same twice", newPassword, newPassword + "!", "staff.setup.mismatch"},
		} {
			w := b.do("POST", link, setupForm(c.pw, c.confirm))
			wantText(t, w, http.StatusUnprocessableEntity, c.key)
			if strings.Contains(w.Body.String(), `value="`+c.pw) {
				t.Errorf("%s: the refused form shows the password back", c.name)
			}
		}
		w = b.do("POST", link, setupForm(newPassword, newPassword))
		// A member needs a second factor by default: straight on to enrol, signed in.
		wantRedirect(t, w, EnrolPath)
		if b.token() == "" {
			t.Fatal("no session after set-up")
		}
		if w := b.do("GET", EnrolPath, nil); w.Code != 200 {
			t.Fatalf("enrol after set-up: %d", w.Code)
		}

		// The link works once; the password now does.
		other := st.browser("198.51.100.42")
		wantText(t, other.do("GET", link, nil), http.StatusGone, "staff.setup.used")
		wantText(t, other.do("POST", link, setupForm("someone else's choice 99", "someone else's choice 99")), http.StatusGone, "staff.setup.used")
		wantRedirect(t, other.login(email, newPassword), EnrolPath)
	})
}

func TestSetupLinkPagesInJapanese(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	st := newSite(t, s)
	_, link := st.invite("panel@example.org", grievance.RolePanel)
	b := st.browser("198.51.100.43")
	b.lang = "ja"
	if w := b.do("GET", link, nil); w.Code != 200 || !strings.Contains(w.Body.String(), locale.T("ja", "staff.setup.title")) {
		t.Fatalf("Japanese set-up page: %d", w.Code)
	}
	w := b.do("POST", link, setupForm(newPassword, "different"))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), locale.T("ja", "staff.setup.mismatch")) {
		t.Fatalf("Japanese mismatch: %d", w.Code)
	}
	if w := b.do("POST", link, setupForm("短い", "短い")); !strings.Contains(w.Body.String(), locale.T("ja", PasswordTooShort)) {
		t.Fatalf("Japanese password problem: %d", w.Code)
	}
}

func TestSetupLinkThatDoesNotWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		b := st.browser("198.51.100.44")
		wantText(t, b.do("GET", SetupPath+"no-such-link", nil), http.StatusNotFound, "staff.setup.invalid")
		wantText(t, b.do("POST", SetupPath+"no-such-link", setupForm(newPassword, newPassword)), http.StatusNotFound, "staff.setup.invalid")

		id, old := st.invite("expert@example.org", grievance.RoleExpert)
		issued, err := s.IssueSetupLink(ctx, id, store.SetupAccount, store.Actor{Role: "system"})
		if err != nil {
			t.Fatal(err)
		}
		wantText(t, b.do("GET", old, nil), http.StatusGone, "staff.setup.revoked")
		wantText(t, b.do("POST", old, setupForm(newPassword, newPassword)), http.StatusGone, "staff.setup.revoked")

		// st.now is the handler's clock, not the store's: expire the link in the store's terms.
		if _, err := s.DB().Exec(storetest.Rebind(s, `UPDATE setup_links SET expires_at = ? WHERE user_id = ?`), time.Now().Add(-time.Minute).UTC(), id); err != nil {
			t.Fatal(err)
		}
		wantText(t, b.do("GET", SetupPath+issued.Token, nil), http.StatusGone, "staff.setup.expired")
		wantText(t, b.do("POST", SetupPath+issued.Token, setupForm(newPassword, newPassword)), http.StatusGone, "staff.setup.expired")
		if b.token() != "" {
			t.Fatal("a link that does not work signed someone in")
		}
	})
}

// TestPasswordResetLinkKeepsTheSecondFactor: whoever holds a reset link (the admin who made it)
// chooses a password but still meets the user's second factor.
func TestPasswordResetLinkKeepsTheSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		const email = "handler@secretariat.example"
		id := st.user(email, grievance.RoleHandler, "blue kettle on a windy moor")
		if err := s.SetUserTOTP(ctx, id, []byte("sealed"), 1, nil); err != nil {
			t.Fatal(err)
		}
		issued, err := s.IssueSetupLink(ctx, id, store.SetupPasswordReset, store.Actor{Role: "system"})
		if err != nil {
			t.Fatal(err)
		}
		b := st.browser("198.51.100.45")
		if w := b.do("GET", SetupPath+issued.Token, nil); w.Code != 200 || !strings.Contains(w.Body.String(), locale.T("en", "staff.setup.reset_lead")) {
			t.Fatalf("reset page %d", w.Code)
		}
		wantRedirect(t, b.do("POST", SetupPath+issued.Token, setupForm(newPassword, newPassword)), TOTPPath)
		wantRedirect(t, b.do("GET", "/desk", nil), TOTPPath)
		wantRedirect(t, b.do("GET", EnrolPath, nil), TOTPPath) // no replacing the second factor either
		if st, _ := s.UserTOTP(ctx, id); string(st.Sealed) != "sealed" {
			t.Fatal("the reset removed the second factor")
		}
	})
}

// TestSecondFactorByRoleAndSetting: who is sent to enrol at sign-in, by role, with the admin's
// setting off (the default) and on.
func TestSecondFactorByRoleAndSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		const pw = "blue kettle on a windy moor"
		roles := []grievance.Role{grievance.RoleHandler, grievance.RoleAdmin, grievance.RoleMember, grievance.RoleExpert, grievance.RolePanel}
		for _, r := range roles {
			st.user(string(r)+"@example.org", r, pw)
		}
		for _, c := range []struct {
			optional bool
			enrol    map[grievance.Role]bool
		}{
			{false, map[grievance.Role]bool{grievance.RoleHandler: true, grievance.RoleAdmin: true, grievance.RoleMember: true, grievance.RoleExpert: true}},
			{true, map[grievance.Role]bool{grievance.RoleHandler: true, grievance.RoleAdmin: true}},
		} {
			if err := s.SetSecondFactorOptional(ctx, c.optional, store.Actor{Role: "admin"}); err != nil {
				t.Fatal(err)
			}
			for i, r := range roles {
				if got := RoleRequiresTOTP(r, c.optional); got != c.enrol[r] {
					t.Errorf("RoleRequiresTOTP(%s, %v) = %v", r, c.optional, got)
				}
				want := HomePath
				if c.enrol[r] {
					want = EnrolPath
				}
				b := st.browser("198.51.100." + string(rune('1'+i)) + "0")
				wantRedirect(t, b.login(string(r)+"@example.org", pw), want)
				// The guard agrees with the sign-in: a page is refused until enrolment.
				if w := b.do("GET", "/anyone", nil); (w.Code == http.StatusSeeOther) != c.enrol[r] {
					t.Errorf("optional=%v, %s on a page: %d", c.optional, r, w.Code)
				}
			}
		}
	})
}
