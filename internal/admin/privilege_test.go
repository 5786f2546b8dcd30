package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var approvalForm = regexp.MustCompile(`action="/desk/approvals/(\d+)/approve"`)

// TestAnAdminAloneCannotMakeAHandler: a handler account an admin creates has no link and no
// password until a handler other than the admin approves it, and the link goes to that handler.
func TestAnAdminAloneCannotMakeAHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		me := site.User(grievance.RoleAdmin, 0)
		admin := site.SignIn(me)
		got := admin.Post("/admin/users", url.Values{"email": {"new.handler@example.org"}, "display_name": {"Nguyen Van An"}, "role": {"handler"}})
		if got.Status != http.StatusOK || linkOnPage.MatchString(got.Body) || !has(got.Body, "needs another case handler's approval") {
			t.Fatalf("creating a handler: %d, or a link was shown to the admin:\n%.2000s", got.Status, got.Body)
		}
		u, err := s.UserByEmail(ctx, "new.handler@example.org")
		if err != nil {
			t.Fatal(err)
		}
		// Asking for a fresh link gives the admin none either.
		if again := admin.Post("/admin/users/"+itoa(u.ID)+"/setup-link", nil); again.Status != http.StatusOK || linkOnPage.MatchString(again.Body) {
			t.Fatalf("a fresh link for the pending handler: %d", again.Status)
		}
		if page := admin.Get("/admin/users/" + itoa(u.ID)); !has(page.Body, "A set-up link waits for a case handler's approval.") {
			t.Error("the user's page does not say the link waits for approval")
		}
		if login := site.Anonymous().Post("/staff/login", url.Values{"email": {u.Email}, "password": {""}}); login.Status != http.StatusUnauthorized {
			t.Fatalf("the pending handler signed in: %d", login.Status)
		}
		if got := admin.Get("/desk/approvals"); got.Status != http.StatusForbidden {
			t.Fatalf("the admin on the approvals page: %d", got.Status)
		}
		if got := admin.Post("/desk/approvals/1/approve", nil); got.Status != http.StatusForbidden {
			t.Fatalf("the admin approving: %d", got.Status)
		}

		h := site.User(grievance.RoleHandler, 0)
		handler := site.SignIn(h)
		list := handler.Get("/desk/approvals")
		m := approvalForm.FindStringSubmatch(list.Body)
		if list.Status != http.StatusOK || m == nil || !has(list.Body, "new.handler@example.org") {
			t.Fatalf("approvals page: %d\n%.2000s", list.Status, list.Body)
		}
		approved := handler.Post("/desk/approvals/"+m[1]+"/approve", nil)
		link := setupLinkOn(t, approved)
		if !has(approved.Body, "new.handler@example.org") {
			t.Error("the link does not say whom it is for")
		}
		path := strings.TrimPrefix(link.url, site.URL(""))
		newcomer := site.Anonymous()
		if page := newcomer.Get(path); page.Status != http.StatusOK {
			t.Fatalf("the approved link: %d", page.Status)
		}
		done := newcomer.Post(path, url.Values{"password": {"seven purple lanterns drifting"}, "confirm": {"seven purple lanterns drifting"}})
		if done.Status != http.StatusSeeOther || done.Location != "/staff/enrol" {
			t.Fatalf("setting the password: %d to %q", done.Status, done.Location)
		}

		// The new handler's password reset, asked by the admin, is the new handler's to not decide.
		newcomerUser, _ := s.UserByEmail(ctx, "new.handler@example.org")
		if reset := admin.Post("/admin/users/"+itoa(newcomerUser.ID)+"/password-reset", nil); reset.Status != http.StatusOK || linkOnPage.MatchString(reset.Body) {
			t.Fatalf("a handler's reset link went to the admin: %d", reset.Status)
		}
		self := site.SignIn(newcomerUser)
		own := self.Get("/desk/approvals")
		if approvalForm.MatchString(own.Body) || !has(own.Body, "About your own account") {
			t.Fatal("the approvals page offers a handler to approve their own reset")
		}
		list = handler.Get("/desk/approvals")
		m = approvalForm.FindStringSubmatch(list.Body)
		if m == nil {
			t.Fatal("the reset does not wait on the other handler's list")
		}
		if got := self.Post("/desk/approvals/"+m[1]+"/approve", nil); got.Status != http.StatusForbidden || !has(got.Body, "You cannot decide on a request you made or one about your own account.") {
			t.Fatalf("approving one's own reset: %d", got.Status)
		}
	})
}

func TestARefusedHandlerAccountCannotBeUsed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		admin.Post("/admin/users", url.Values{"email": {"unexpected@example.org"}, "display_name": {"Unexpected"}, "role": {"handler"}})
		handler := site.SignIn(site.User(grievance.RoleHandler, 0))
		m := approvalForm.FindStringSubmatch(handler.Get("/desk/approvals").Body)
		if m == nil {
			t.Fatal("nothing to refuse")
		}
		got := handler.Post("/desk/approvals/"+m[1]+"/refuse", nil)
		if got.Status != http.StatusSeeOther {
			t.Fatalf("refusing: %d", got.Status)
		}
		if list := handler.Get(got.Location); approvalForm.MatchString(list.Body) || !has(list.Body, "The request was refused.") {
			t.Fatalf("the refused request still waits, or the page does not say it was refused:\n%s", list.Body)
		}
		if _, err := s.UserByEmail(ctx, "unexpected@example.org"); err == nil {
			t.Fatal("the refused account is active")
		}
		var links int
		s.DB().QueryRow(`SELECT COUNT(*) FROM setup_links`).Scan(&links)
		if links != 0 {
			t.Fatalf("%d links exist after a refusal", links)
		}
	})
}

func TestMemberSecondFactorResetWaitsAndTheSettingRelaxesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		m := site.User(grievance.RoleMember, site.Member("Acme", ""))
		if err := s.SetUserTOTP(ctx, m.ID, []byte("sealed"), 1, nil); err != nil {
			t.Fatal(err)
		}
		got := admin.Post("/admin/users/"+itoa(m.ID)+"/reset-totp", nil)
		if got.Status != http.StatusSeeOther || !strings.HasSuffix(got.Location, "done=reset_totp_pending") {
			t.Fatalf("member's second-factor reset: %d %q", got.Status, got.Location)
		}
		if st, _ := s.UserTOTP(ctx, m.ID); st.Sealed == nil {
			t.Fatal("an admin alone reset a member's second factor")
		}
		// By default the member's page shows the second factor as required; the setting relaxes it.
		page := admin.Get("/admin/users/" + itoa(m.ID))
		if !strings.Contains(page.Body, `name="require_totp" value="1" checked disabled`) {
			t.Error("a member's page does not show the second factor as required by default")
		}
		if got := admin.Post("/admin/settings/second-factor", url.Values{"second_factor": {"optional"}}); got.Status != http.StatusSeeOther {
			t.Fatalf("setting: %d", got.Status)
		}
		if optional, _ := s.SecondFactorOptional(ctx); !optional {
			t.Fatal("the setting was not saved")
		}
		if settings := admin.Get("/admin/settings"); !strings.Contains(settings.Body, `value="optional" checked`) {
			t.Error("the settings page does not show the saved choice")
		}
		if page := admin.Get("/admin/users/" + itoa(m.ID)); strings.Contains(page.Body, `checked disabled`) {
			t.Error("with the setting, a member's page still shows the second factor as always required")
		}
		// A panel member's reset needs nobody's approval: the panel sees no case content.
		p := site.User(grievance.RolePanel, 0)
		s.SetUserTOTP(ctx, p.ID, []byte("sealed"), 1, nil)
		if got := admin.Post("/admin/users/"+itoa(p.ID)+"/reset-totp", nil); !strings.HasSuffix(got.Location, "done=reset_totp") {
			t.Fatalf("panel reset: %q", got.Location)
		}
	})
}

func TestRoleCannotBeRaisedIntoCaseContent(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
	p := site.User(grievance.RolePanel, 0)
	got := admin.Post("/admin/users/"+itoa(p.ID), url.Values{"display_name": {"Promoted"}, "role": {"handler"}})
	if got.Status != http.StatusUnprocessableEntity || !has(got.Body, "Make a new account for it.") {
		t.Fatalf("panel to handler: %d", got.Status)
	}
	if u, _ := s.User(ctx, p.ID); u.Role != grievance.RolePanel {
		t.Fatalf("role is now %s", u.Role)
	}
}

// Every role that reads case content waits for a handler before its first link exists; the
// panel, which sees only public figures, does not.
func TestNewAccountsThatSeeCaseContentWaitForAHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		for _, tc := range []struct {
			role, member string
			waits        bool
		}{
			{"handler", "", true}, {"member", itoa(acme), true}, {"expert", "", true}, {"panel", "", false}, {"admin", "", false},
		} {
			got := admin.Post("/admin/users", url.Values{"email": {tc.role + "@new.example.org"}, "display_name": {"Kim Lee"}, "role": {tc.role}, "member_id": {tc.member}})
			if shown := linkOnPage.MatchString(got.Body); got.Status != http.StatusOK || shown == tc.waits {
				t.Errorf("%s: %d, link shown to the admin: %v", tc.role, got.Status, shown)
			}
		}
	})
}
