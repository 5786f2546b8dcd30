package intake_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/locale"
)

// TestBrowserClosedCaseOutcomeAndSatisfaction files a report in Vietnamese without touching the
// company's link (it is stored as unknown), has the desk close it, then follows it up: the page
// shows the outcome and the company's conclusion, and the comment given with a rating is still
// in its box after a reload and after changing only the rating.
func TestBrowserClosedCaseOutcomeAndSatisfaction(t *testing.T) {
	axe := browsertest.AxeSource(t)
	b := browsertest.Start(t)
	s, origin := serveForBrowser(t)
	ctx := context.Background()
	const lang, comment = "vi", "Họ đã trả lại hộ chiếu cho chúng tôi."
	tab := b.NewTab(t, origin, browsertest.Options{AcceptLanguage: lang, MaxBytes: pageBudget})

	tab.Open("report", "/report")
	tab.Do(
		choose("reporter_type", "affected_person"),
		chromedp.SendKeys(css("#f-company-0-name"), "Hikari Foods Kyushu"),
		chromedp.SetValue(css("#f-country"), "JP"),
		chromedp.SendKeys(css("#f-description"), "Công ty giữ hộ chiếu của chúng tôi."),
	)
	if p := tab.Follow("receipt", submitReport); p.Status != http.StatusOK {
		t.Fatalf("filing answered %d", p.Status)
	}
	receipt := readReceipt(t, tab)
	id, err := s.CaseIDByReceipt(ctx, receipt)
	if err != nil {
		t.Fatal(err)
	}
	companies, err := s.CaseCompanies(ctx, id)
	if err != nil || len(companies) != 1 || companies[0].Relation != "unknown" {
		t.Fatalf("with the link left alone the company is stored as %+v (%v)", companies, err)
	}

	closeWith(t, s, id, "resolved")

	tab.Open("follow-up", "/follow-up")
	tab.Do(chromedp.SendKeys(css("#f-receipt"), receipt))
	if p := tab.Follow("case-closed", chromedp.Click(css(`form[action="/follow-up"] button[type=submit]`))); !strings.HasSuffix(p.URL, "/follow-up/case") {
		t.Fatalf("logging in led to %s", p.URL)
	}
	text := func(sel string) string { return strings.TrimSpace(browsertest.Get(tab, chromedp.Text(css(sel)))) }
	if got, want := text("#outcome"), locale.T(lang, "outcome.resolved"); got != want {
		t.Errorf("the outcome reads %q, want %q", got, want)
	}
	if got := text("#progress"); !strings.Contains(got, locale.T(lang, "progress.concluded")) {
		t.Errorf("the company's progress reads %q", got)
	}
	for _, v := range tab.Axe(axe).Violations { // the outcome and progress markup is new
		t.Errorf("closed case page: axe: %s", v)
	}

	commentShown := func() string { return browsertest.Get(tab, chromedp.Value(css("#f-satisfaction_comment"))) }
	sendSatisfaction := func(name string) {
		t.Helper()
		if p := tab.Follow(name, chromedp.Click(css(`form[action="/follow-up/satisfaction"] button[type=submit]`))); p.Status != http.StatusOK {
			t.Fatalf("sending the answer: %d", p.Status)
		}
	}
	tab.Do(choose("rating", "4"), chromedp.SendKeys(css("#f-satisfaction_comment"), comment))
	sendSatisfaction("satisfaction-given")
	if got := commentShown(); got != comment {
		t.Errorf("after answering the box holds %q", got)
	}
	tab.Open("case-reloaded", "/follow-up/case")
	if got := commentShown(); got != comment {
		t.Errorf("after reloading the box holds %q", got)
	}
	tab.Do(choose("rating", "2"))
	sendSatisfaction("satisfaction-changed")
	if !checked(tab, `input[name=rating][value="2"]`) {
		t.Error("the changed rating is not shown as chosen")
	}
	if got := commentShown(); got != comment {
		t.Errorf("after changing only the rating the box holds %q", got)
	}
	c, err := s.ReporterCase(ctx, id)
	if err != nil || c.Satisfaction != 2 || c.SatisfactionComment != comment {
		t.Fatalf("stored rating %d, comment %q (%v)", c.Satisfaction, c.SatisfactionComment, err)
	}
}
