package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestBrowserBulkDeclineSelectsThePage: a flood of junk in the inbox; the handler ticks "select
// every case on this page", gives one reason and message, and every one of them is declined.
func TestBrowserBulkDeclineSelectsThePage(t *testing.T) {
	b := browsertest.Start(t)
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	handler := site.User(grievance.RoleHandler, 0)
	var junk []int64
	for range 6 {
		junk = append(junk, site.File(stafftest.Report("VN", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa spam spam spam")).CaseID)
	}
	tab := b.NewTab(t, site.Server.URL, browsertest.Options{AcceptLanguage: "en", Width: 1280, Height: 900})
	signIn(t, tab, handler)
	enrol(t, tab)

	tab.Open("desk-inbox-flooded", "/desk")
	tab.Do(chromedp.Click(css(`input[data-select-all]`)))
	if n := browsertest.Get(tab, chromedp.Evaluate[int](`document.querySelectorAll("input[name=case]:checked").length`)); n != len(junk) {
		t.Fatalf("select all ticked %d of %d cases", n, len(junk))
	}
	tab.Do(chromedp.SendKeys(css(`form#bulk textarea`), "This is not a grievance. If you need help, write to us again."))
	tab.Screenshot("desk-inbox-all-selected")
	send(t, tab, "desk-inbox-declined", `form#bulk`, http.StatusOK)
	if got := textOf(tab, "p.notice"); !strings.Contains(got, "6") {
		t.Errorf("the inbox says %q after declining six", got)
	}
	for _, id := range junk {
		c, err := s.DeskCase(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != grievance.CaseNotAccepted {
			t.Errorf("case %d is %s after the bulk decline", id, c.Stage)
		}
	}
}

// enrol passes the enrol page a signed-in user landed on, with a code made from the secret it
// shows, as an authenticator app would.
func enrol(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	secret := strings.ReplaceAll(textOf(tab, "code.totp-secret"), " ", "")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("the secret shown (%q) makes no code: %v", secret, err)
	}
	tab.Do(chromedp.SendKeys(css("#f-code"), code))
	send(t, tab, "staff-enrolled", `form[action="/staff/enrol"]`, http.StatusOK)
}
