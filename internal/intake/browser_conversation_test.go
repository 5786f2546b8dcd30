package intake_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestBrowserWritingAfterClosureAndAcrossAnExpiredSession, on a small phone: the reporter of a
// closed case still finds the message form, sends a message (the desk then lists the case), then
// types another while their session runs out; pressing Send takes them to sign in again, and
// after the receipt the message waits in the form, unsent, to be sent. Every page passes axe.
func TestBrowserWritingAfterClosureAndAcrossAnExpiredSession(t *testing.T) {
	axe := browsertest.AxeSource(t)
	b := browsertest.Start(t)
	now := time.Now()
	var mu sync.Mutex
	s := storetest.Open(t, store.SQLite, storetest.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	srv := httptest.NewServer(server.New(s, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	const lang = "vi"
	const first, second = "Sau khi vụ việc kết thúc, quản đốc đe dọa tôi.", "Tiền bồi thường đã hứa vẫn chưa được trả."
	tab := b.NewTab(t, srv.URL, browsertest.Options{AcceptLanguage: lang, MaxBytes: pageBudget})
	axeClean := func(page string) {
		t.Helper()
		for _, v := range tab.Axe(axe).Violations {
			t.Errorf("%s: axe: %s", page, v)
		}
	}

	tab.Open("after-end-report", "/report")
	tab.Do(
		choose("reporter_type", "affected_person"),
		chromedp.SendKeys(css("#f-company-0-name"), "Hikari Foods Kyushu"),
		chromedp.SetValue(css("#f-country"), "JP"),
		chromedp.SendKeys(css("#f-description"), "Công ty giữ hộ chiếu của chúng tôi."),
	)
	if p := tab.Follow("after-end-receipt", submitReport); p.Status != http.StatusOK {
		t.Fatalf("filing answered %d", p.Status)
	}
	receipt := readReceipt(t, tab)
	id, err := s.CaseIDByReceipt(ctx, receipt)
	if err != nil {
		t.Fatal(err)
	}
	closeWith(t, s, id, "partially_resolved")

	signIn := func(name string) {
		t.Helper()
		tab.Do(chromedp.SendKeys(css("#f-receipt"), receipt))
		if p := tab.Follow(name, chromedp.Click(css(`form[action="/follow-up"] button[type=submit]`))); !strings.Contains(p.URL, "/follow-up/case") {
			t.Fatalf("signing in led to %s", p.URL)
		}
	}
	send := chromedp.Click(css(`form[action="/follow-up/messages"] button[type=submit]`))
	text := func(sel string) string { return strings.TrimSpace(browsertest.Get(tab, chromedp.Text(css(sel)))) }

	tab.Open("after-end-follow-up", "/follow-up")
	signIn("after-end-closed-case")
	if got := text("#after-end"); got != locale.T(lang, "case.after_end") {
		t.Errorf("the closed case says %q above the form", got)
	}
	axeClean("closed case with the message form")
	tab.Do(chromedp.SendKeys(css("#f-body"), first))
	tab.Follow("after-end-sent", send)
	if got := text(".messages"); !strings.Contains(got, first) {
		t.Errorf("the thread reads %q", got)
	}
	if list, _ := s.AfterEndCases(ctx, 10); len(list) != 1 || list[0].ID != id {
		t.Errorf("the desk lists %+v", list)
	}

	tab.Do(chromedp.SendKeys(css("#f-body"), second))
	mu.Lock()
	now = now.Add(store.ReporterSessionIdle + time.Minute) // the reporter was away, typing
	mu.Unlock()
	if p := tab.Follow("expired-draft-kept", send); !strings.Contains(p.URL, "/follow-up?expired=kept") {
		t.Fatalf("sending after the session ran out led to %s", p.URL)
	}
	if got := text(".error-summary"); got != locale.T(lang, "followup.draft_kept") {
		t.Errorf("the sign-in page says %q", got)
	}
	axeClean("sign-in page with a kept message")
	signIn("expired-draft-restored")
	if got := browsertest.Get(tab, chromedp.Value(css("#f-body"))); got != second {
		t.Errorf("the form holds %q, want the kept message", got)
	}
	if got := text(".notice"); got != locale.T(lang, "case.draft_restored") {
		t.Errorf("the notice reads %q", got)
	}
	axeClean("case page with the kept message")
	tab.Follow("expired-draft-sent", send)
	c, _ := s.ReporterCase(ctx, id)
	if last := c.Messages[len(c.Messages)-1]; last.Body != second {
		t.Errorf("the last message is %q", last.Body)
	}
}
