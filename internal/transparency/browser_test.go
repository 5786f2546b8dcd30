package transparency_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestBrowserTransparencyPages opens the statistics and the register on a small phone in
// English, Japanese and Arabic, and the annual report as a panel member, in Chromium: axe-core
// (WCAG A and AA) finds no violation, the charts are images with a name, the page does not
// scroll sideways, and nothing leaves the origin or breaks the Content-Security-Policy.
func TestBrowserTransparencyPages(t *testing.T) {
	axe := browsertest.AxeSource(t)
	b := browsertest.Start(t)
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	if _, err := demo.Fill(ctx, s); err != nil {
		t.Fatal(err)
	}
	site := stafftest.New(t, s)
	audit := func(t *testing.T, tab *browsertest.Tab, p *browsertest.Page) {
		t.Helper()
		for _, v := range tab.Axe(axe).Violations {
			t.Errorf("%s: axe: %s", p.Name, v)
		}
		if wide := browsertest.Get(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); wide {
			t.Errorf("%s scrolls sideways on a phone", p.Name)
		}
	}
	for _, lang := range []string{"en", "ja", "ar"} {
		t.Run(lang, func(t *testing.T) {
			tab := b.NewTab(t, site.Server.URL, browsertest.Options{AcceptLanguage: lang, MaxBytes: 150_000})
			p := tab.Open("statistics-"+lang, "/statistics")
			audit(t, tab, p)
			charts := browsertest.Get(tab, chromedp.Evaluate[int](`[...document.querySelectorAll("svg[role=img]")].filter(s => {
				const ids = (s.getAttribute("aria-labelledby") || "").split(" ");
				return ids.length === 2 && ids.every(id => document.getElementById(id) && document.getElementById(id).textContent.trim() !== "");
			}).length`))
			if charts < 5 {
				t.Errorf("%d named charts on the statistics page, want the timeliness, stage, category and trend charts at least", charts)
			}
			p = tab.Open("register-"+lang, "/register")
			audit(t, tab, p)
			if rows := browsertest.Get(tab, chromedp.Evaluate[int](`document.querySelectorAll("table.register tbody tr").length`)); rows == 0 {
				t.Error("the register lists no case of the demo's year")
			}
		})
	}
	t.Run("annual report", func(t *testing.T) {
		tab := b.NewTab(t, site.Server.URL, browsertest.Options{AcceptLanguage: "en", Width: 1024, Height: 900})
		panel := site.User(grievance.RolePanel, 0)
		tab.Open("staff-login", "/staff/login")
		tab.Do(chromedp.SendKeys(chromedp.CSS(`#f-email`), panel.Email), chromedp.SendKeys(chromedp.CSS(`#f-password`), stafftest.Password))
		p := tab.Follow("annual-report", chromedp.Click(chromedp.CSS(`form[action="/staff/login"] button[type=submit]`)))
		if p.Status != 200 || browsertest.Get(tab, chromedp.Evaluate[string](`location.pathname`)) != "/reports/annual" {
			t.Fatalf("a panel member signed in and landed on %s (%d)", p.URL, p.Status)
		}
		audit(t, tab, p)
		if n := browsertest.Get(tab, chromedp.Evaluate[int](`document.querySelectorAll("table.criteria tbody tr").length`)); n != 8 {
			t.Errorf("%d effectiveness criteria, want 8", n)
		}
	})
}
