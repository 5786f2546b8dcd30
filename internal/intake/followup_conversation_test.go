package intake_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var replyBox = regexp.MustCompile(`(?s)<textarea id="f-body" name="body"[^>]*>(.*?)</textarea>`)

// TestReporterWritesAfterTheCaseEnded: the closed case's page still offers the message form and
// says what it is for; the message is kept and the desk sees the case, which stays closed.
func TestReporterWritesAfterTheCaseEnded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		id := w.fileAndLogIn(validFields())
		closeWith(t, s, id, "resolved")
		_, page := w.get("/follow-up/case", "vi")
		if !replyBox.MatchString(page) || !strings.Contains(page, html.EscapeString(locale.T("vi", "case.after_end"))) {
			t.Fatalf("the closed case's page offers no message form:\n%s", page)
		}
		if strings.Contains(page, `action="/follow-up/withdraw"`) {
			t.Fatal("a closed case offers to withdraw")
		}
		const body = "Sau khi vụ việc kết thúc, quản đốc đã đuổi việc tôi."
		resp, _ := w.postForm("/follow-up/messages", "vi", [][2]string{{"body", body}}, nil)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/follow-up/case?done=sent#messages" {
			t.Fatalf("sending after closure: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		c, _ := s.ReporterCase(context.Background(), id)
		if c.Stage != grievance.CaseClosed || c.Messages[len(c.Messages)-1].Body != body {
			t.Fatalf("after writing: stage %s, messages %+v", c.Stage, c.Messages)
		}
		list, err := s.AfterEndCases(context.Background(), 10)
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Fatalf("the desk's list %+v, %v", list, err)
		}
	})
}

// TestMessageTypedAcrossAnExpiredSessionIsKept: a message sent after the session ran out is not
// lost: the sign-in page says it was kept (without showing it), and after the receipt is given
// again it waits, unsent, in the form; another case signed in on the same browser never gets it;
// sending it forgets it.
func TestMessageTypedAcrossAnExpiredSessionIsKept(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Now()
			var mu sync.Mutex
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
			later := func(by time.Duration) { mu.Lock(); now = now.Add(by); mu.Unlock() }
			w := newSite(t, s)
			_, page := w.postForm("/report", "vi", validFields(), nil)
			otherReceipt := receiptFrom(t, page)
			_, page = w.postForm("/report", "vi", validFields(), nil)
			receipt := receiptFrom(t, page)
			id, _ := s.CaseIDByReceipt(context.Background(), receipt)
			if resp, _ := w.postURLEncoded("/follow-up", url.Values{"receipt": {receipt}}); resp.StatusCode != 303 {
				t.Fatalf("signing in: %d", resp.StatusCode)
			}
			later(store.ReporterSessionIdle + time.Minute)
			const body = "Tôi đã viết tin nhắn này rất lâu, trong khi phiên đăng nhập hết hạn."
			resp, _ := w.postForm("/follow-up/messages", "vi", [][2]string{{"body", body}}, nil)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/follow-up?expired=kept" {
				t.Fatalf("sending after the session ran out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if c, _ := s.ReporterCase(context.Background(), id); len(c.Messages) != 0 {
				t.Fatalf("sent without a session: %+v", c.Messages)
			}
			_, page = w.get("/follow-up?expired=kept", "vi")
			if !strings.Contains(page, html.EscapeString(locale.T("vi", "followup.draft_kept"))) || strings.Contains(page, "phiên đăng nhập hết hạn") {
				t.Fatalf("the sign-in page:\n%s", page)
			}

			// Another reporter on the same browser signs in: not their message.
			if resp, _ := w.postURLEncoded("/follow-up", url.Values{"receipt": {otherReceipt}}); resp.StatusCode != 303 {
				t.Fatalf("signing in: %d", resp.StatusCode)
			}
			if _, page = w.get("/follow-up/case", "vi"); strings.Contains(page, "phiên đăng nhập hết hạn") {
				t.Fatal("another case's page shows the kept message")
			}

			if resp, _ := w.postURLEncoded("/follow-up", url.Values{"receipt": {receipt}}); resp.StatusCode != 303 {
				t.Fatalf("signing in again: %d", resp.StatusCode)
			}
			_, page = w.get("/follow-up/case", "vi")
			m := replyBox.FindStringSubmatch(page)
			if m == nil || html.UnescapeString(m[1]) != body || !strings.Contains(page, html.EscapeString(locale.T("vi", "case.draft_restored"))) {
				t.Fatalf("the kept message is not in the form:\n%s", page)
			}
			if resp, _ := w.postForm("/follow-up/messages", "vi", [][2]string{{"body", body}}, nil); resp.StatusCode != 303 {
				t.Fatalf("sending: %d", resp.StatusCode)
			}
			if c, _ := s.ReporterCase(context.Background(), id); len(c.Messages) != 1 || c.Messages[0].Body != body {
				t.Fatalf("messages %+v", c.Messages)
			}
			if _, page = w.get("/follow-up/case", "vi"); strings.Contains(replyBox.FindStringSubmatch(page)[1], "phiên") {
				t.Fatal("the sent message is still offered as a draft")
			}
		})
	}
}

var filingField = regexp.MustCompile(`<input type="hidden" name="filing" value="([^"]+)">`)

// TestReportSentTwiceFilesOneCase: the same form sent twice — a double tap, or a reload of the
// receipt that sends it again — files one case and shows the same receipt, saying so; the same
// token with other answers files nothing and gives the form back with a fresh token.
func TestReportSentTwiceFilesOneCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		_, form := w.get("/report", "vi")
		m := filingField.FindStringSubmatch(form)
		if m == nil {
			t.Fatal("the form carries no one-time token")
		}
		fields := append(validFields(), [2]string{"filing", m[1]})
		resp, first := w.postForm("/report", "vi", fields, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("filing: %d", resp.StatusCode)
		}
		receipt := receiptFrom(t, first)
		resp, again := w.postForm("/report", "vi", append(fields, [2]string{"proof", "a proof differs"}), nil)
		if resp.StatusCode != 200 || receiptFrom(t, again) != receipt || !strings.Contains(again, html.EscapeString(locale.T("vi", "receipt.again"))) {
			t.Fatalf("sent again: %d\n%s", resp.StatusCode, again)
		}
		all := func() int {
			in, err := s.Inbox(context.Background(), store.InboxFilter{Stages: grievance.CaseStages}, s.Now())
			if err != nil {
				t.Fatal(err)
			}
			return in.Total
		}
		if n := all(); n != 1 {
			t.Fatalf("%d cases filed", n)
		}
		changed := append([][2]string{}, fields...)
		for i := range changed {
			if changed[i][0] == "description" {
				changed[i][1] = "Một chuyện khác hẳn."
			}
		}
		resp, page := w.postForm("/report", "vi", changed, nil)
		fresh := filingField.FindStringSubmatch(page)
		if resp.StatusCode != 409 || fresh == nil || fresh[1] == m[1] || strings.Contains(page, receipt[:6]) || !strings.Contains(page, "Một chuyện khác hẳn.") {
			t.Fatalf("other answers under the used token: %d\n%s", resp.StatusCode, page)
		}
		if n := all(); n != 1 {
			t.Fatalf("%d cases filed", n)
		}
		// A form without a token (a page from before) still files.
		if resp, _ := w.postForm("/report", "vi", validFields(), nil); resp.StatusCode != 200 || all() != 2 {
			t.Fatalf("without a token: %d, %d cases", resp.StatusCode, all())
		}
	})
}
