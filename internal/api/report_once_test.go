package api_test

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestReportIdempotencyKey: a report sent again with the same Idempotency-Key gets the first
// answer and files nothing; other content under the key is refused; a guessable key is refused
// before anything is filed; without a key every report files.
func TestReportIdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newApp(t, s)
		const key = "6f1c2a9e-3b7d-4e0a-9c55-2d8f1e4b7a30"
		post := func(body map[string]any, key string) (int, map[string]any, string) {
			w := a.do(call{method: "POST", path: "/api/v1/reports", body: body, headers: map[string]string{"Idempotency-Key": key}})
			return w.Code, decode(t, w), w.Header().Get("Idempotent-Replayed")
		}
		code, first, _ := post(validReport(), key)
		if code != 201 {
			t.Fatalf("filing: %d %v", code, first)
		}
		code, again, replayed := post(validReport(), key)
		if code != 201 || again["receipt"] != first["receipt"] || again["reference"] != first["reference"] || replayed != "true" {
			t.Fatalf("sent again: %d %v (replayed %q)", code, again, replayed)
		}
		if code, body, _ := post(with(validReport(), "description", "Something else entirely."), key); code != 409 || body["code"] != "idempotency_key_used" || body["receipt"] != nil {
			t.Fatalf("other content: %d %v", code, body)
		}
		for _, bad := range []string{"1", "short-key", string(make([]byte, 300))} {
			if code, body, _ := post(validReport(), bad); code != 400 || body["code"] != "idempotency_key_invalid" {
				t.Fatalf("key %q: %d %v", bad, code, body)
			}
		}
		if code, other, _ := post(validReport(), ""); code != 201 || other["reference"] == first["reference"] {
			t.Fatalf("without a key: %d %v", code, other)
		}
	})
}
