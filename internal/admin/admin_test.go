package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var ctx = context.Background()

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// idFrom reads the id a redirect to /admin/<what>/{id}?… names.
func idFrom(t *testing.T, location, prefix string) int64 {
	t.Helper()
	rest, ok := strings.CutPrefix(location, prefix)
	if !ok {
		t.Fatalf("redirected to %q, want %s…", location, prefix)
	}
	rest, _, _ = strings.Cut(rest, "?")
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", location)
	}
	return id
}

// has reports whether body shows s (as HTML escapes it).
func has(body, s string) bool { return strings.Contains(body, html.EscapeString(s)) }

func TestMemberWithAliasesIsCreatedAndListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))

		got := admin.Post("/admin/members", url.Values{
			"name_en": {"Acme Apparel"}, "name_ja": {"アクメ衣料"}, "sector": {"apparel"},
			"aliases_group_company": {"Acme Vietnam Co.\r\n\r\nAcme Thailand"},
			"aliases_brand":         {"Roadrunner"},
			"aliases_supplier":      {"Saigon Dye Works\nSaigon Dye Works"},
		})
		if got.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", got.Status, got.Body)
		}
		id := idFrom(t, got.Location, "/admin/members/")
		m, err := s.Member(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"Acme Vietnam Co.": "group_company", "Acme Thailand": "group_company", "Roadrunner": "brand", "Saigon Dye Works": "supplier"}
		if len(m.Aliases) != len(want) {
			t.Fatalf("aliases = %+v, want %v (blank lines and duplicates dropped)", m.Aliases, want)
		}
		for _, a := range m.Aliases {
			if want[a.Name] != a.Kind {
				t.Errorf("alias %+v, want kind %q", a, want[a.Name])
			}
		}

		list := admin.Get("/admin/members")
		if list.Status != http.StatusOK {
			t.Fatalf("list: %d", list.Status)
		}
		for _, name := range []string{"Acme Apparel", "アクメ衣料", "Acme Vietnam Co.", "Acme Thailand", "Roadrunner", "Saigon Dye Works"} {
			if !has(list.Body, name) {
				t.Errorf("the member list lacks %q", name)
			}
		}

		// The edit page shows the aliases one per line, and saving replaces them.
		page := admin.Get("/admin/members/" + itoa(id))
		if !strings.Contains(page.Body, "Acme Thailand\nAcme Vietnam Co.") {
			t.Errorf("the edit page does not list the group companies one per line:\n%s", page.Body)
		}
		got = admin.Post("/admin/members/"+itoa(id), url.Values{"name_en": {"Acme Apparel"}, "aliases_brand": {"Coyote"}})
		if got.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", got.Status, got.Body)
		}
		m, _ = s.Member(ctx, id)
		if len(m.Aliases) != 1 || m.Aliases[0] != (store.MemberAlias{Kind: "brand", Name: "Coyote"}) {
			t.Fatalf("after update, aliases = %+v", m.Aliases)
		}
	})
}

func TestMemberFormKeepsInputOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		site.Member("Taken Ltd", "")
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		got := admin.Post("/admin/members", url.Values{"name_en": {"taken ltd"}, "name_ja": {"テイクン"}, "aliases_brand": {"Kept Brand"}})
		if got.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate name: %d", got.Status)
		}
		for _, kept := range []string{`value="taken ltd"`, "テイクン", "Kept Brand", "Another member already has this name."} {
			if !strings.Contains(got.Body, kept) {
				t.Errorf("the refused form lacks %q", kept)
			}
		}
	})
}

func TestMemberUserNeedsAMemberAndOthersMustNotHaveOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		form := func(email, role, member string) url.Values {
			return url.Values{"email": {email}, "display_name": {"Kim Lee"}, "role": {role}, "member_id": {member}}
		}

		if got := admin.Post("/admin/users", form("nomember@example.org", "member", "")); got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "Choose the member company this user acts for.") {
			t.Errorf("member user without a company: %d", got.Status)
		}
		if got := admin.Post("/admin/users", form("handler@example.org", "handler", itoa(acme))); got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "Only member company users belong to a member company.") {
			t.Errorf("handler with a company: %d", got.Status)
		}
		if taken, _ := s.UserEmailTaken(ctx, "handler@example.org"); taken {
			t.Error("the refused handler was created")
		}

		got := admin.Post("/admin/users", form("contact@example.org", "member", itoa(acme)))
		if linkOnPage.MatchString(got.Body) || !has(got.Body, "needs another case handler's approval") {
			t.Fatalf("the admin got a member contact's link without a handler's approval:\n%.2000s", got.Body)
		}
		handler := site.SignIn(site.User(grievance.RoleHandler, 0))
		m := approvalForm.FindStringSubmatch(handler.Get("/desk/approvals").Body)
		if m == nil {
			t.Fatal("no approval waits for the new member contact")
		}
		link := setupLinkOn(t, handler.Post("/desk/approvals/"+m[1]+"/approve", nil))
		byEmail, err := s.UserByEmail(ctx, "contact@example.org")
		if err != nil {
			t.Fatal(err)
		}
		link.id = byEmail.ID
		u, err := s.User(ctx, link.id)
		if err != nil || u.Role != grievance.RoleMember || u.MemberID != acme || u.Email != "contact@example.org" || u.PasswordSet {
			t.Fatalf("created %+v, %v", u, err)
		}
		list := admin.Get("/admin/users")
		if !has(list.Body, "contact@example.org") || !has(list.Body, "Acme Apparel") {
			t.Error("the user list lacks the new user or their company")
		}
		// The link is shown once: the user's page does not show it again.
		if page := admin.Get("/admin/users/" + itoa(link.id)); strings.Contains(page.Body, link.token) || !has(page.Body, "has not finished setting up") {
			t.Error("the user's page shows the link again, or not that set-up is unfinished")
		}
	})
}

// shownLink is a set-up link an admin or handler page showed.
type shownLink struct {
	id    int64 // the account's, from the page's form
	token string
	url   string
}

var linkOnPage = regexp.MustCompile(`<code class="setup-link" dir="ltr">(https?://[^<]+/staff/setup/([A-Za-z0-9_-]+))</code>`)
var userFormAction = regexp.MustCompile(`<form method="post" action="/admin/users/(\d+)" novalidate>`)

// setupLinkOn reads the link a page shows, and checks that the page may not be kept.
func setupLinkOn(t *testing.T, got stafftest.Response) shownLink {
	t.Helper()
	m := linkOnPage.FindStringSubmatch(got.Body)
	if got.Status != http.StatusOK || m == nil {
		t.Fatalf("no set-up link shown: %d\n%.3000s", got.Status, got.Body)
	}
	if got.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the link may be cached")
	}
	l := shownLink{url: html.UnescapeString(m[1]), token: m[2]}
	if a := userFormAction.FindStringSubmatch(got.Body); a != nil {
		l.id, _ = strconv.ParseInt(a[1], 10, 64)
	}
	return l
}

func TestNewUserFormHasNoPasswordAndKeepsWhatWasTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		if page := admin.Get("/admin/users/new"); page.Status != http.StatusOK || strings.Contains(page.Body, `type="password"`) || strings.Contains(page.Body, `name="password"`) {
			t.Fatalf("the new user form asks the admin for a password: %d", page.Status)
		}
		// A password posted anyway (an old form, a crafted request) is ignored: the account has none.
		got := admin.Post("/admin/users", url.Values{
			"email": {"not an address"}, "display_name": {"Nguyen Van An"}, "role": {"panel"}, "password": {"chosen by the admin 42"},
		})
		if got.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad email: %d", got.Status)
		}
		for _, kept := range []string{`value="not an address"`, `value="Nguyen Van An"`, `<option value="panel" selected>`, "Enter an email address like name@example.org."} {
			if !strings.Contains(got.Body, kept) {
				t.Errorf("the refused form lacks %q", kept)
			}
		}
		link := setupLinkOn(t, admin.Post("/admin/users", url.Values{
			"email": {"panel.member@example.org"}, "display_name": {"Nguyen Van An"}, "role": {"panel"}, "password": {"chosen by the admin 42"},
		}))
		hash, err := s.UserPasswordHash(ctx, link.id)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := seal.VerifyPassword(hash, "chosen by the admin 42"); ok {
			t.Fatal("the password the admin posted works")
		}
		if login := site.Anonymous().Post("/staff/login", url.Values{"email": {"panel.member@example.org"}, "password": {"chosen by the admin 42"}}); login.Status != http.StatusUnauthorized {
			t.Fatalf("signing in with the admin's password: %d", login.Status)
		}

		// Japanese admins get the messages in Japanese.
		req, _ := http.NewRequest("POST", site.URL("/admin/users"), strings.NewReader(url.Values{"email": {""}, "display_name": {"X"}, "role": {"panel"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "ja")
		if ja := admin.Send(req); ja.Status != http.StatusUnprocessableEntity || !strings.Contains(ja.Body, locale.T("ja", "admin.user.email_required")) {
			t.Errorf("Japanese: %d, or the message is not in Japanese", ja.Status)
		}
	})
}

func TestDisablingAUserEndsTheirSessionsButNotYourOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		me := site.User(grievance.RoleAdmin, 0)
		admin := site.SignIn(me)
		h := site.User(grievance.RoleHandler, 0)
		handler := site.SignIn(h)
		if got := handler.Get("/desk"); got.Status != http.StatusOK {
			t.Fatalf("handler before: %d", got.Status)
		}
		got := admin.Post("/admin/users/"+itoa(h.ID)+"/disable", nil)
		if got.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d", got.Status)
		}
		if got := handler.Get("/desk"); got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, "/staff/login") {
			t.Errorf("a disabled handler's session still works: %d %q", got.Status, got.Location)
		}
		login := site.Anonymous().Post("/staff/login", url.Values{"email": {h.Email}, "password": {stafftest.Password}})
		if login.Status != http.StatusUnauthorized {
			t.Errorf("a disabled handler signed in: %d", login.Status)
		}
		if page := admin.Get("/admin/users/" + itoa(h.ID)); !strings.Contains(page.Body, "/enable") {
			t.Error("the disabled user's page offers no way to enable them")
		}

		self := admin.Post("/admin/users/"+itoa(me.ID)+"/disable", nil)
		if self.Status != http.StatusUnprocessableEntity || !strings.Contains(self.Body, "This is your own account") {
			t.Errorf("disabling oneself: %d", self.Status)
		}
		if u, _ := s.User(ctx, me.ID); u.Disabled() {
			t.Fatal("an admin disabled themselves")
		}
		if got := admin.Get("/admin/users"); got.Status != http.StatusOK {
			t.Errorf("the admin lost their session: %d", got.Status)
		}
	})
}

func TestUserEditRequiresSecondFactorForOtherRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		panel := site.User(grievance.RolePanel, 0)
		got := admin.Post("/admin/users/"+itoa(panel.ID), url.Values{"display_name": {"Panel Chair"}, "role": {"panel"}, "require_totp": {"1"}})
		if got.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", got.Status, got.Body)
		}
		u, _ := s.User(ctx, panel.ID)
		if u.DisplayName != "Panel Chair" || !u.TOTPRequired {
			t.Fatalf("user = %+v", u)
		}
		// A user the second factor is required of is sent to enrol at their next page.
		if next := site.Anonymous().Post("/staff/login", url.Values{"email": {panel.Email}, "password": {stafftest.Password}}); next.Location != "/staff/enrol" {
			t.Errorf("sign-in sent the user to %q, want /staff/enrol", next.Location)
		}
		if page := admin.Get("/admin/users/" + itoa(site.User(grievance.RoleHandler, 0).ID)); !strings.Contains(page.Body, `name="require_totp" value="1" checked disabled`) {
			t.Error("a handler's page does not show the second factor as always required")
		}
	})
}

func TestTimelineChangeShowsAndApplies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		form := url.Values{
			"acknowledge_days": {"5"}, "screening_days": {"45"}, "answer_days": {"30"}, "company_response_days": {"60"},
			"reporter_update_days": {"90"}, "monitoring_days": {"120"}, "fiscal_year_start": {"1"},
		}
		got := admin.Post("/admin/settings/timeline", form)
		if got.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", got.Status, got.Body)
		}
		tl := s.Timeline()
		if tl.AcknowledgeDays != 5 || tl.ScreeningDays != 45 || tl.CompanyResponseDays != 60 || tl.MonitoringDays != 120 || tl.FiscalYearStart != time.January {
			t.Fatalf("store timeline = %+v", tl)
		}
		page := admin.Get("/admin/settings")
		for _, want := range []string{`name="acknowledge_days" value="5"`, `name="company_response_days" value="60"`, `<option value="1" selected>January`, "Deadlines already set stay as they are."} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the settings page lacks %q", want)
			}
		}
		if rules := site.Anonymous().Get("/rules"); !strings.Contains(rules.Body, "We confirm receipt within 5 days.") {
			t.Errorf("the public rules do not show the new acknowledgement period")
		}

		form.Set("acknowledge_days", "0")
		form.Set("screening_days", "lots")
		bad := admin.Post("/admin/settings/timeline", form)
		if bad.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad periods: %d", bad.Status)
		}
		if !strings.Contains(bad.Body, `name="screening_days" value="lots"`) || !strings.Contains(bad.Body, `name="acknowledge_days" value="0"`) {
			t.Error("the refused timeline form lost what was typed")
		}
		if !strings.Contains(bad.Body, "Enter a whole number of days from 1 to 366.") {
			t.Error("no message for the bad periods")
		}
		if s.Timeline().AcknowledgeDays != 5 {
			t.Error("a refused timeline was applied")
		}
	})
}

func TestRulesTextAppearsOnThePublicPageInItsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
		got := admin.Post("/admin/settings/rules", url.Values{"language": {"vi"}, "text": {"Điều 1. Phạm vi áp dụng\r\n\r\nĐiều 2. Tiếp nhận"}})
		if got.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", got.Status, got.Body)
		}
		read := func(lang string) string {
			req, _ := http.NewRequest("GET", site.URL("/rules"), nil)
			req.Header.Set("Accept-Language", lang)
			return site.Anonymous().Send(req).Body
		}
		vi := read("vi")
		if !has(vi, "Điều 1. Phạm vi áp dụng") || !has(vi, "Điều 2. Tiếp nhận") {
			t.Errorf("the Vietnamese rules page lacks the secretariat's text")
		}
		if en := read("en"); has(en, "Điều 1") {
			t.Error("the English rules page shows the Vietnamese text")
		}
		if page := admin.Get("/admin/settings?rules=vi"); !has(page.Body, "Điều 2. Tiếp nhận") {
			t.Error("the settings page does not show the saved text for editing")
		}
		bad := admin.Post("/admin/settings/rules", url.Values{"language": {"xx"}, "text": {"Kept text"}})
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Kept text") {
			t.Errorf("unknown language: %d, text kept: %v", bad.Status, strings.Contains(bad.Body, "Kept text"))
		}
	})
}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	acme := site.Member("Acme", "")
	somebody := site.User(grievance.RolePanel, 0)
	paths := []string{"/admin/members", "/admin/members/new", fmt.Sprintf("/admin/members/%d", acme), "/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", somebody.ID), "/admin/settings"}
	posts := []string{"/admin/members", fmt.Sprintf("/admin/members/%d", acme), "/admin/users", fmt.Sprintf("/admin/users/%d", somebody.ID), fmt.Sprintf("/admin/users/%d/disable", somebody.ID), fmt.Sprintf("/admin/users/%d/enable", somebody.ID), fmt.Sprintf("/admin/users/%d/reset-totp", somebody.ID), "/admin/settings/timeline", "/admin/settings/rules"}
	for _, role := range []grievance.Role{grievance.RoleHandler, grievance.RoleExpert, grievance.RolePanel} {
		c := site.SignIn(site.User(role, 0))
		for _, p := range paths {
			if got := c.Get(p); got.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", role, p, got.Status)
			}
		}
		for _, p := range posts {
			if got := c.Post(p, url.Values{"name_en": {"Hijack"}, "acknowledge_days": {"1"}}); got.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", role, p, got.Status)
			}
		}
	}
	member := site.SignIn(site.User(grievance.RoleMember, acme))
	if got := member.Get("/admin/users"); got.Status != http.StatusForbidden {
		t.Errorf("member: %d, want 403", got.Status)
	}
	if got := site.Anonymous().Get("/admin/settings"); got.Status != http.StatusSeeOther || got.Location != "/staff/login" {
		t.Errorf("anonymous: %d to %q", got.Status, got.Location)
	}
	if u, _ := s.User(ctx, somebody.ID); u.Disabled() {
		t.Error("a non-admin disabled a user")
	}
}

func TestUnknownIDsAreNotFound(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	admin := site.SignIn(site.User(grievance.RoleAdmin, 0))
	for _, p := range []string{"/admin/members/999", "/admin/users/999", "/admin/members/abc"} {
		if got := admin.Get(p); got.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, got.Status)
		}
	}
	if got := admin.Post("/admin/users/999/disable", nil); got.Status != http.StatusNotFound {
		t.Errorf("disable unknown: %d", got.Status)
	}
}
