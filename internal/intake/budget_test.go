package intake_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
	"github.com/remedy-grievance/remedy/internal/web"
)

// chain drives the whole handler chain in process, each request from the address it names, on a
// store whose clock the test moves.
type chain struct {
	t   *testing.T
	s   *store.Store
	h   http.Handler
	now *time.Time
}

func newChain(t *testing.T, d store.Dialect, policy *web.GuardPolicy) *chain {
	t.Helper()
	o := server.DefaultOptions()
	if policy != nil {
		o.Guard = *policy
	}
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	c := &chain{t: t, now: &now}
	c.s = storetest.Open(t, d, storetest.Options{Now: func() time.Time { return *c.now }})
	c.h = server.NewWith(c.s, slog.New(slog.NewTextHandler(io.Discard, nil)), o)
	return c
}

func (c *chain) serve(req *http.Request, remote string) *httptest.ResponseRecorder {
	req.RemoteAddr = remote
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	return w
}

func (c *chain) followUp(remote string, v url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/follow-up", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.serve(req, remote)
}

func (c *chain) report(remote string, fields [][2]string, files map[string][]byte) *httptest.ResponseRecorder {
	body, contentType := multipartForm(fields, files)
	req := httptest.NewRequest("POST", "/report", body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept-Language", "vi")
	return c.serve(req, remote)
}

// fileOne files a report and returns its receipt.
func (c *chain) fileOne(remote string) string {
	c.t.Helper()
	w := c.report(remote, validFields(), nil)
	if w.Code != 200 {
		c.t.Fatalf("filing from %s: %d", remote, w.Code)
	}
	return receiptFrom(c.t, w.Body.String())
}

// wrongReceipt is the i-th current-format receipt with a right check digit that opens nothing.
func wrongReceipt(i int) string {
	body := fmt.Sprintf("%020d", i)
	return body + string(rune('0'+seal.DammDigit(body)))
}

// rotating is the i-th of many source addresses, each in its own /24.
func rotating(i int) string { return fmt.Sprintf("10.%d.%d.7:4000", i/256%256, i%256) }

// TestWrongReceiptsOnTheFollowUpFormAreCounted: the web form spends the guessing budget just as
// the API does: ten wrong receipts from one address, then that address is refused (even with the
// right receipt) while another address is served.
func TestWrongReceiptsOnTheFollowUpFormAreCounted(t *testing.T) {
	c := newChain(t, store.SQLite, nil)
	receipt := c.fileOne("192.0.2.50:1000")
	for i := range 10 {
		if w := c.followUp("198.51.100.7:4000", url.Values{"receipt": {wrongReceipt(i)}}); w.Code != 401 {
			t.Fatalf("wrong receipt %d: %d, want 401", i, w.Code)
		}
	}
	w := c.followUp("198.51.100.7:4001", url.Values{"receipt": {receipt}})
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("after ten wrong receipts the address got %d (Retry-After %q), want 429", w.Code, w.Header().Get("Retry-After"))
	}
	if !strings.Contains(w.Body.String(), `value="`+receipt+`"`) {
		t.Fatal("the refusal lost the receipt typed")
	}
	if w := c.followUp("203.0.113.9:5000", url.Values{"receipt": {receipt}}); w.Code != 303 {
		t.Fatalf("the right receipt from another address: %d, want 303", w.Code)
	}
}

// TestGuessingBudgetBindsEverySource: with a new address for every guess, the global budget
// still binds (no free first try for unseen sources); a right receipt costs nothing; and while
// the global budget is spent, a solved proof-of-work challenge lets a reporter in through the
// second budget, once per challenge.
func TestGuessingBudgetBindsEverySource(t *testing.T) {
	p := web.DefaultGuardPolicy
	p.Guess.Global = web.Limit{Burst: 5, Per: time.Minute}
	p.Guess.Proof = web.Limit{Burst: 3, Per: time.Minute}
	p.Guess.ProofBits = 8
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			c := newChain(t, d, &p)
			receipt := c.fileOne("192.0.2.50:1000")
			for range 20 { // right receipts are given back: they never empty the budget
				if w := c.followUp(rotating(999), url.Values{"receipt": {receipt}}); w.Code != 303 {
					t.Fatalf("right receipt: %d", w.Code)
				}
			}
			codes := map[int]int{}
			var last *httptest.ResponseRecorder
			for i := range 30 {
				last = c.followUp(rotating(i), url.Values{"receipt": {wrongReceipt(i)}})
				codes[last.Code]++
			}
			if codes[401] != 5 || codes[429] != 25 {
				t.Fatalf("30 guesses from 30 addresses: %v, want 5×401 then 429", codes)
			}
			// An honest reporter from a clean address is refused too, but handed a challenge.
			w := c.followUp(rotating(500), url.Values{"receipt": {receipt}})
			challenge := between(w.Body.String(), `data-challenge="`, `"`)
			if w.Code != 429 || challenge == "" {
				t.Fatalf("honest reporter while the budget is spent: %d, challenge %q", w.Code, challenge)
			}
			proof := web.SolveProof(challenge)
			if w := c.followUp(rotating(500), url.Values{"receipt": {receipt}, "proof": {proof}}); w.Code != 303 {
				t.Fatalf("with a solved challenge: %d, want 303", w.Code)
			}
			if w := c.followUp(rotating(501), url.Values{"receipt": {wrongReceipt(77)}, "proof": {proof}}); w.Code != 429 {
				t.Fatalf("the same solved challenge again: %d, want 429", w.Code)
			}
			if w := c.followUp(rotating(501), url.Values{"receipt": {receipt}, "proof": {"v1.guess.8.99999999999.00.00:1"}}); w.Code != 429 {
				t.Fatalf("a forged challenge: %d, want 429", w.Code)
			}
			// A minute later one more guess is allowed across all sources.
			*c.now = c.now.Add(time.Minute)
			if w := c.followUp(rotating(600), url.Values{"receipt": {wrongReceipt(600)}}); w.Code != 401 {
				t.Fatalf("after a minute: %d, want 401", w.Code)
			}
			if w := c.followUp(rotating(601), url.Values{"receipt": {wrongReceipt(601)}}); w.Code != 429 {
				t.Fatalf("second guess after a minute: %d, want 429", w.Code)
			}
		})
	}
}

// TestLegacyReceiptsHaveTheirOwnTighterBudget: 16-digit guesses spend the legacy lane, not the
// current one, and a legacy receipt still opens its case.
func TestLegacyReceiptsHaveTheirOwnTighterBudget(t *testing.T) {
	p := web.DefaultGuardPolicy
	p.LegacyGuess.Global = web.Limit{Burst: 2, Per: time.Hour}
	c := newChain(t, store.SQLite, &p)
	receipt := c.fileOne("192.0.2.50:1000")
	for i := range 2 {
		if w := c.followUp(rotating(i), url.Values{"receipt": {fmt.Sprintf("%016d", i)}}); w.Code != 401 {
			t.Fatalf("legacy guess %d: %d", i, w.Code)
		}
	}
	if w := c.followUp(rotating(3), url.Values{"receipt": {fmt.Sprintf("%016d", 3)}}); w.Code != 429 {
		t.Fatalf("third legacy guess: %d, want 429", w.Code)
	}
	if w := c.followUp(rotating(4), url.Values{"receipt": {receipt}}); w.Code != 303 {
		t.Fatalf("a current receipt while the legacy lane is spent: %d", w.Code)
	}
	// A case filed before check digits, with a 16-digit receipt, still opens.
	legacy := "0123456789012345"
	id := c.fileOne("192.0.2.51:1000")
	caseID, _ := c.s.CaseIDByReceipt(t.Context(), id)
	if _, err := c.s.DB().Exec(storetest.Rebind(c.s, `UPDATE cases SET receipt_hash = ? WHERE id = ?`), c.s.Keys().ReceiptHash(legacy), caseID); err != nil {
		t.Fatal(err)
	}
	*c.now = c.now.Add(time.Hour)
	if w := c.followUp(rotating(5), url.Values{"receipt": {"0123 4567 8901 2345"}}); w.Code != 303 {
		t.Fatalf("a legacy receipt: %d, want 303", w.Code)
	}
}

// TestMistypedReceiptIsNamedAndCostsNothing: a wrong check digit is answered in the reporter's
// language, keeps what was typed, and never spends the budget, however often it happens.
func TestMistypedReceiptIsNamedAndCostsNothing(t *testing.T) {
	c := newChain(t, store.SQLite, nil)
	receipt := c.fileOne("192.0.2.50:1000")
	typo := []byte(receipt)
	typo[3], typo[4] = typo[4], typo[3]
	if typo[3] == typo[4] {
		typo[5] = '0' + (typo[5]-'0'+1)%10
	}
	for range 30 {
		req := httptest.NewRequest("POST", "/follow-up", strings.NewReader(url.Values{"receipt": {string(typo)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "ja")
		w := c.serve(req, "198.51.100.7:4000")
		if w.Code != 400 || !strings.Contains(w.Body.String(), "入力の誤り") || !strings.Contains(w.Body.String(), string(typo)) {
			t.Fatalf("mistyped receipt: %d", w.Code)
		}
	}
	if w := c.followUp("198.51.100.7:4000", url.Values{"receipt": {receipt}}); w.Code != 303 {
		t.Fatalf("the right receipt after 30 typos: %d, want 303 (typos were charged)", w.Code)
	}
}

// TestFilingBudgets: a reporter at a human pace is never refused; a flood from one address is,
// with everything typed kept and the wait named; rotating addresses meet the global budget; and
// attachment bytes have their own budget.
func TestFilingBudgets(t *testing.T) {
	t.Run("human pace", func(t *testing.T) {
		c := newChain(t, store.SQLite, nil)
		for i := range 40 { // one report every ten minutes from one address, for most of a day
			if w := c.report("192.0.2.50:1000", validFields(), nil); w.Code != 200 {
				t.Fatalf("report %d at a human pace: %d", i, w.Code)
			}
			*c.now = c.now.Add(10 * time.Minute)
		}
	})
	t.Run("one address floods", func(t *testing.T) {
		c := newChain(t, store.SQLite, nil)
		codes := map[int]int{}
		var refused *httptest.ResponseRecorder
		for range 30 {
			w := c.report("192.0.2.50:1000", validFields(), nil)
			codes[w.Code]++
			if w.Code == 429 {
				refused = w
			}
		}
		if codes[200] != 10 || codes[429] != 20 {
			t.Fatalf("30 quick reports from one address: %v, want 10 then 429", codes)
		}
		body := refused.Body.String()
		if !strings.Contains(body, "Trả lại hộ chiếu") || !strings.Contains(body, "Công ty giữ hộ chiếu") || refused.Header().Get("Retry-After") == "" {
			t.Fatal("the refusal lost what was typed or did not say when to try again")
		}
		if !strings.Contains(body, "phút") { // Vietnamese: "try again in N minutes"
			t.Fatal("the refusal is not in the reporter's language")
		}
		if w := c.report("203.0.113.9:5000", validFields(), nil); w.Code != 200 {
			t.Fatalf("another reporter elsewhere: %d", w.Code)
		}
	})
	t.Run("rotating addresses meet the global budget", func(t *testing.T) {
		p := web.DefaultGuardPolicy
		p.Filing.Global = web.Limit{Burst: 8, Per: time.Minute}
		c := newChain(t, store.SQLite, &p)
		codes := map[int]int{}
		for i := range 20 {
			codes[c.report(rotating(i), validFields(), nil).Code]++
		}
		if codes[200] != 8 || codes[429] != 12 {
			t.Fatalf("20 reports from 20 addresses: %v, want 8 then 429", codes)
		}
	})
	t.Run("attachment bytes", func(t *testing.T) {
		p := web.DefaultGuardPolicy
		p.Bytes.Narrow = web.Limit{Burst: 64, Per: time.Hour / 64} // 64 KiB an hour
		c := newChain(t, store.SQLite, &p)
		png := tinyPNGOf(40 << 10)
		if w := c.report("192.0.2.50:1000", validFields(), map[string][]byte{"a.png": png}); w.Code != 200 {
			t.Fatalf("first 40 KiB: %d", w.Code)
		}
		if w := c.report("192.0.2.50:1000", validFields(), map[string][]byte{"b.png": png}); w.Code != 429 {
			t.Fatalf("next 40 KiB within the hour: %d, want 429", w.Code)
		}
		if w := c.report("192.0.2.50:1000", validFields(), nil); w.Code != 200 {
			t.Fatalf("a report without files: %d (the refused bytes spent a filing)", w.Code)
		}
	})
}

// tinyPNGOf is a noisy PNG of about n bytes.
func tinyPNGOf(n int) []byte {
	side := 8
	for ; side*side*3 < n; side++ {
	}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}
