package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestBrowserNewHandlerIsApprovedAndSetsUp walks issue 10's privilege separation through the
// pages: an admin asks for a handler account and is shown no link; another handler approves it
// on the desk and is shown the link, once; the new handler opens it, mistypes the confirmation,
// chooses a password, enrols an authenticator and reaches the inbox; the link then no longer
// works.
func TestBrowserNewHandlerIsApprovedAndSetsUp(t *testing.T) {
	b := browsertest.Start(t)
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	desktop := browsertest.Options{AcceptLanguage: "en", Width: 1280, Height: 900}

	adminTab := b.NewTab(t, site.Server.URL, desktop)
	signIn(t, adminTab, site.User(grievance.RoleAdmin, 0))
	enrol(t, adminTab)
	adminTab.Open("admin-user-new", "/admin/users/new")
	adminTab.Do(chromedp.SendKeys(css("#f-email"), "an.nguyen@secretariat.example"), chromedp.SendKeys(css("#f-display_name"), "Nguyễn Văn An"),
		chromedp.SetValue(css("#f-role"), "handler"))
	send(t, adminTab, "admin-user-created", `form[action="/admin/users"]`, http.StatusOK)
	if present(adminTab, "code.setup-link") {
		t.Fatal("the admin was shown the new handler's set-up link")
	}

	handlerTab := b.NewTab(t, site.Server.URL, desktop)
	signIn(t, handlerTab, site.User(grievance.RoleHandler, 0))
	enrol(t, handlerTab)
	handlerTab.Open("desk-approvals", "/desk/approvals")
	send(t, handlerTab, "desk-approval-given", `form[action$="/approve"]`, http.StatusOK)
	link := textOf(handlerTab, "code.setup-link")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/staff/setup/") {
		t.Fatalf("the approving handler was shown %q", link)
	}

	newTab := b.NewTab(t, site.Server.URL, browsertest.Options{AcceptLanguage: "vi"})
	newTab.Open("setup", u.Path)
	newTab.Do(chromedp.SendKeys(css("#f-password"), "river lantern in the morning fog"), chromedp.SendKeys(css("#f-confirm"), "river lantern in the morning"))
	send(t, newTab, "setup-mismatch", "form", http.StatusUnprocessableEntity)
	newTab.Do(chromedp.SendKeys(css("#f-password"), "river lantern in the morning fog"), chromedp.SendKeys(css("#f-confirm"), "river lantern in the morning fog"))
	p := send(t, newTab, "setup-done", "form", http.StatusOK)
	if !strings.HasSuffix(p.URL, "/staff/enrol") {
		t.Fatalf("after choosing a password the new handler is at %s, not enrolling", p.URL)
	}
	enrol(t, newTab)
	if p := newTab.Open("desk-new-handler", "/desk"); !strings.HasSuffix(p.URL, "/desk") {
		t.Fatalf("the new handler's inbox is at %s", p.URL)
	}
	if p := b.NewTab(t, site.Server.URL, desktop).Open("setup-used", u.Path); p.Status != http.StatusGone && p.Status != http.StatusNotFound {
		t.Errorf("a used link answers %d", p.Status)
	}

	// Where each of them says how they are told of things, and the admin sees mail's state.
	if p := newTab.Open("staff-notifications", "/staff/notifications"); p.Status != http.StatusOK {
		t.Errorf("the notification choices answer %d", p.Status)
	}
	if p := adminTab.Open("admin-settings", "/admin/settings"); p.Status != http.StatusOK || !present(adminTab, "#mail") {
		t.Errorf("the admin settings answer %d, mail section shown: %v", p.Status, present(adminTab, "#mail"))
	}
}
