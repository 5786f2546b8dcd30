package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

type app struct {
	t    *testing.T
	h    http.Handler
	s    *store.Store
	logs *bytes.Buffer
}

func newApp(t *testing.T, s *store.Store) *app {
	logs := &bytes.Buffer{}
	return &app{t: t, s: s, logs: logs, h: server.New(s, slog.New(slog.NewTextHandler(logs, nil)))}
}

type call struct {
	method, path string
	body         any // marshalled to JSON unless a string
	headers      map[string]string
	remote       string
}

func (a *app) do(c call) *httptest.ResponseRecorder {
	a.t.Helper()
	var body []byte
	switch b := c.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			a.t.Fatal(err)
		}
	}
	r := httptest.NewRequest(c.method, c.path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for k, v := range c.headers {
		r.Header.Set(k, v)
	}
	if c.remote != "" {
		r.RemoteAddr = c.remote
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	return w
}

func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body)
	}
	return m
}

func validReport() map[string]any {
	return map[string]any{
		"language": "vi", "description": "Chúng tôi bị giữ hộ chiếu và phải trả phí tuyển dụng.", "country": "JP",
		"companies":  []map[string]any{{"name": "Hikari Foods Kyushu", "relation": "supplier"}},
		"categories": []string{"recruitment_migrant_workers", "forced_labour"}, "people_affected": 12,
		"vulnerable_groups": []string{"migrant"}, "fears_retaliation": true, "reporter_type": "affected_person",
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

var receiptPattern = regexp.MustCompile(`^\d{21}$`)

func TestReportFilingScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newApp(t, s)
		for _, tc := range []struct {
			name       string
			call       call
			status     int
			fields     []string          // fields the error must name
			messageHas map[string]string // field → substring of the translated message
		}{
			{name: "valid", call: call{body: validReport()}, status: 201},
			{name: "missing required fields", call: call{body: map[string]any{}}, status: 400,
				fields: []string{"language", "description", "country", "companies"}},
			{name: "answers in the report's language", call: call{body: with(validReport(), "language", "ja", "country", "XX")}, status: 400,
				messageHas: map[string]string{"country": "国コード"}},
			{name: "answers in Accept-Language when the report has none", call: call{body: with(validReport(), "language", nil), headers: map[string]string{"Accept-Language": "ja"}}, status: 400,
				messageHas: map[string]string{"language": "必須"}},
			{name: "unknown field", call: call{body: with(validReport(), "favourite_colour", "blue")}, status: 400, fields: []string{"favourite_colour"}},
			{name: "wrong type", call: call{body: with(validReport(), "people_affected", "many")}, status: 400, fields: []string{"people_affected"}},
			{name: "not JSON", call: call{body: `{"language": "en",`}, status: 400},
			{name: "two JSON values", call: call{body: `{} {}`}, status: 400},
			{name: "invalid category", call: call{body: with(validReport(), "categories", []string{"noise"})}, status: 400, fields: []string{"categories"}},
			{name: "company with neither id nor name", call: call{body: with(validReport(), "companies", []map[string]any{{"relation": "supplier"}})}, status: 400, fields: []string{"companies[0]"}},
			{name: "unknown member id", call: call{body: with(validReport(), "companies", []map[string]any{{"member_id": 4242}})}, status: 400, fields: []string{"companies[0].member_id"}},
			{name: "executable attachment", call: call{body: with(validReport(), "attachments", []map[string]any{{"name": "x.exe", "data": []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")}})}, status: 400, fields: []string{"attachments[0]"}},
			{name: "photo attachment", call: call{body: with(validReport(), "attachments", []map[string]any{{"name": "wall.png", "data": tinyPNG}})}, status: 201},
			{name: "oversized body", call: call{body: `{"language":"en","description":"` + strings.Repeat("a", 41<<20) + `"}`}, status: 413},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.call.method, tc.call.path = "POST", "/api/v1/reports"
				w := a.do(tc.call)
				if w.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
				}
				m := decode(t, w)
				if tc.status == 201 {
					if !receiptPattern.MatchString(fmt.Sprint(m["receipt"])) || !strings.HasPrefix(fmt.Sprint(m["reference"]), "R-") {
						t.Fatalf("created: %v", m)
					}
					return
				}
				if m["error"] == "" || m["error"] == nil {
					t.Fatalf("no error message: %v", m)
				}
				fields, _ := m["fields"].(map[string]any)
				for _, f := range tc.fields {
					if fields[f] == nil || fields[f] == "" {
						t.Errorf("field %q not named in %v", f, fields)
					}
				}
				for f, sub := range tc.messageHas {
					if !strings.Contains(fmt.Sprint(fields[f]), sub) {
						t.Errorf("field %q message %q lacks %q", f, fields[f], sub)
					}
				}
			})
		}
	})
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

func file(t *testing.T, a *app, body map[string]any) (reference, receipt string) {
	t.Helper()
	w := a.do(call{method: "POST", path: "/api/v1/reports", body: body})
	if w.Code != 201 {
		t.Fatalf("filing: %d %s", w.Code, w.Body)
	}
	m := decode(t, w)
	return m["reference"].(string), m["receipt"].(string)
}

func TestReporterFollowsUpWithTheReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newApp(t, s)
		ref, receipt := file(t, a, validReport())
		_, otherReceipt := file(t, a, with(validReport(), "description", "someone else's report"))
		spaced := receipt[:4] + " " + receipt[4:8] + "-" + receipt[8:12] + " " + receipt[12:]
		auth := func(r string) map[string]string { return map[string]string{"Authorization": "Receipt " + r} }

		w := a.do(call{method: "GET", path: "/api/v1/reporter/case", headers: auth(spaced)})
		if w.Code != 200 {
			t.Fatalf("case: %d %s", w.Code, w.Body)
		}
		c := decode(t, w)
		if c["reference"] != ref || c["stage"] != "received" || c["description"] != validReport()["description"] {
			t.Fatalf("case = %v", c)
		}
		if h := c["history"].([]any); len(h) != 1 || h[0].(map[string]any)["stage"] != "received" {
			t.Fatalf("history = %v", c["history"])
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("a reporter's case may be cached")
		}

		w = a.do(call{method: "POST", path: "/api/v1/reporter/messages", headers: auth(receipt), body: map[string]string{"body": "Họ đã đe dọa chúng tôi hôm qua."}})
		if w.Code != 201 {
			t.Fatalf("message: %d %s", w.Code, w.Body)
		}
		w = a.do(call{method: "POST", path: "/api/v1/reporter/messages", headers: auth(receipt), body: map[string]string{"body": "  "}})
		if w.Code != 400 || decode(t, w)["fields"].(map[string]any)["body"] == nil {
			t.Fatalf("empty message: %d %s", w.Code, w.Body)
		}
		c = decode(t, a.do(call{method: "GET", path: "/api/v1/reporter/case", headers: auth(receipt)}))
		msgs := c["messages"].([]any)
		if len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "reporter" || msgs[0].(map[string]any)["body"] != "Họ đã đe dọa chúng tôi hôm qua." {
			t.Fatalf("messages = %v", msgs)
		}
		other := decode(t, a.do(call{method: "GET", path: "/api/v1/reporter/case", headers: auth(otherReceipt)}))
		if len(other["messages"].([]any)) != 0 || other["description"] != "someone else's report" {
			t.Fatalf("the other case shows %v", other)
		}

		for name, h := range map[string]map[string]string{
			"no header":     nil,
			"wrong receipt": auth("1234567812345678"),
			"wrong scheme":  {"Authorization": "Bearer " + receipt},
			"short receipt": auth(receipt[:15]),
		} {
			if w := a.do(call{method: "GET", path: "/api/v1/reporter/case", headers: h}); w.Code != 401 {
				t.Errorf("%s: %d, want 401", name, w.Code)
			}
		}

		// Nothing a reporter sent, and not the receipt, reaches the log.
		for _, secret := range []string{receipt, "hộ chiếu", "đe dọa", "Hikari", "someone else"} {
			if strings.Contains(a.logs.String(), secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
		if !strings.Contains(a.logs.String(), "route=\"POST /api/v1/reports\"") {
			t.Errorf("requests are not logged at all: %s", a.logs)
		}
	})
}

func TestReceiptGuessingIsThrottledButHonestReportersAreNot(t *testing.T) {
	a := newApp(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	_, receipt := file(t, a, validReport())
	guess := func(remote, r string) int {
		return a.do(call{method: "GET", path: "/api/v1/reporter/case", remote: remote, headers: map[string]string{"Authorization": "Receipt " + r}}).Code
	}
	attacker := "198.51.100.7:4000"
	codes := map[int]int{}
	for i := 0; i < 30; i++ {
		codes[guess(attacker, fmt.Sprintf("%016d", i))]++
	}
	if codes[401] != 10 || codes[429] != 20 {
		t.Fatalf("30 guesses from one address gave %v, want 10×401 then 429", codes)
	}
	if code := guess("198.51.100.7:4001", receipt); code != 429 {
		t.Fatalf("the throttled address (another port) got %d", code)
	}
	// An honest reporter elsewhere, and one on the same IPv6 /64's neighbour, are served at once.
	for i := 0; i < 50; i++ {
		if code := guess("203.0.113.9:5000", receipt); code != 200 {
			t.Fatalf("honest reporter, attempt %d: %d", i, code)
		}
	}
	for i := 0; i < 10; i++ {
		guess("[2001:db8:1:2::1]:443", fmt.Sprintf("%016d", i))
	}
	if code := guess("[2001:db8:1:2:ffff::9]:443", receipt); code != 429 {
		t.Fatalf("another address in the same /64: %d, want 429", code)
	}
	if code := guess("[2001:db8:1:3::1]:443", receipt); code != 200 {
		t.Fatalf("another /64: %d, want 200", code)
	}
}

func TestHealthAndSecurityHeaders(t *testing.T) {
	a := newApp(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	w := a.do(call{method: "GET", path: "/healthz"})
	if w.Code != 200 {
		t.Fatalf("healthz %d", w.Code)
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("headers %v", w.Header())
	}
	a.s.Close()
	if w := a.do(call{method: "GET", path: "/healthz"}); w.Code != 503 {
		t.Fatalf("healthz with the database closed: %d", w.Code)
	}
}

func TestBearerTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newApp(t, s)
		id, err := s.CreateUser(context.Background(), store.User{Email: "h@example.org", DisplayName: "H", Role: grievance.RoleHandler}, "$argon2id$x", store.Actor{Role: "system"})
		if err != nil {
			t.Fatal(err)
		}
		token, _ := s.CreateToken(context.Background(), id, "test", time.Time{}, store.Actor{Role: "system"})
		w := a.do(call{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer " + token}})
		if w.Code != 200 || decode(t, w)["role"] != "handler" {
			t.Fatalf("me: %d %s", w.Code, w.Body)
		}
		if w := a.do(call{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer rmd_nope"}}); w.Code != 401 {
			t.Fatalf("bad token: %d", w.Code)
		}
	})
}

func TestAnonymousReportsKeepNoIdentity(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	a := newApp(t, s)
	_, receipt := file(t, a, with(validReport(), "anonymous", true, "identity_name", "Nguyen Van A", "identity_contact", "+84 90 111 2222"))
	id, err := s.CaseIDByReceipt(context.Background(), receipt)
	if err != nil {
		t.Fatal(err)
	}
	who, err := s.CaseIdentity(context.Background(), id, store.Actor{Role: "handler", UserID: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !who.Anonymous || who.Name != "" || who.Contact != "" {
		t.Fatalf("an anonymous report kept %+v", who)
	}
}
