package api_test

import (
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestJSONDecodingIsStrict(t *testing.T) {
	a := newApp(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	const good = `"language":"en","description":"We were not paid for six weeks.","country":"VN","companies":[{"name":"Example Co"}]`
	for _, c := range []struct {
		name        string
		contentType string
		body        string
		status      int
		field       string
	}{
		{"a good report", "application/json", "{" + good + "}", 201, ""},
		{"charset allowed", "application/json; charset=utf-8", "{" + good + "}", 201, ""},
		{"no Content-Type", "", "{" + good + "}", 415, ""},
		{"form Content-Type", "application/x-www-form-urlencoded", "{" + good + "}", 415, ""},
		{"text/plain (a cross-site form can send it)", "text/plain", "{" + good + "}", 415, ""},
		{"duplicate key, last would win", "application/json", `{"description":"harmless",` + good + `}`, 400, "description"},
		{"duplicate key in a company", "application/json", `{` + strings.Replace(good, `{"name":"Example Co"}`, `{"name":"A","name":"B"}`, 1) + `}`, 400, "companies[0].name"},
		{"case-variant key", "application/json", `{"Description":"x",` + strings.Replace(good, `"description":"We were not paid for six weeks.",`, "", 1) + `}`, 400, "Description"},
		{"case-variant beside the real one", "application/json", `{"DESCRIPTION":"x",` + good + `}`, 400, "DESCRIPTION"},
		{"unknown field", "application/json", `{"colour":"red",` + good + `}`, 400, "colour"},
		{"wrong type", "application/json", `{"people_affected":"many",` + good + `}`, 400, "people_affected"},
		{"trailing data", "application/json", "{" + good + "} {}", 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := a.do(call{method: "POST", path: "/api/v1/reports", body: c.body, headers: map[string]string{"Content-Type": c.contentType}})
			if w.Code != c.status {
				t.Fatalf("%d, want %d: %s", w.Code, c.status, w.Body)
			}
			if c.status >= 400 {
				m := decode(t, w)
				if m["error"] == "" || m["code"] == "" {
					t.Fatalf("no error body: %s", w.Body)
				}
				if c.field != "" {
					fields, _ := m["fields"].(map[string]any)
					if _, ok := fields[c.field]; !ok {
						t.Fatalf("the error does not name %q: %s", c.field, w.Body)
					}
				}
			}
		})
	}
}

func TestMessageBodiesAreBoundedForWhatAMessageNeeds(t *testing.T) {
	a := newApp(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	w := a.do(call{method: "POST", path: "/api/v1/reports", body: validReport()})
	receipt, _ := decode(t, w)["receipt"].(string)
	big := `{"body":"` + strings.Repeat("a", 2<<20) + `"}`
	w = a.do(call{method: "POST", path: "/api/v1/reporter/messages", body: big, headers: map[string]string{"Authorization": "Receipt " + receipt}})
	if w.Code != 413 {
		t.Fatalf("a 2 MiB message body: %d, want 413", w.Code)
	}
}
