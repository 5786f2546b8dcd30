package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestStaffIntakeKeepsTheHandlersNotesApart: a report taken by phone keeps the reporter's words
// as the report and the handler's notes as an internal note; the reporter, signed in with the
// receipt, sees their words and not the notes.
func TestStaffIntakeKeepsTheHandlersNotesApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		site := stafftest.New(t, s)
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))
		const words, note = "The supervisor took our passports in March.", "Caller sounded frightened; call back only after 18:00."
		form := url.Values{
			"channel": {"phone"}, "language": {"en"}, "anonymous": {"yes"}, "company_0_name": {"Hoa Binh Dye Works"},
			"company_0_relation": {"supplier"}, "country": {"VN"}, "categories": {"forced_labour"},
			"description": {words}, "staff_note": {note}, "urgency": {"normal"},
		}
		got := desk.Post("/desk/intake", form)
		mustStatus(t, "intake", got, http.StatusOK)
		id, err := s.CaseIDByReceipt(ctx, receiptOf(t, got.Body))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.ReporterCase(ctx, id)
		if c.Description != words || len(c.Messages) != 0 {
			t.Fatalf("the reporter's view: %q, messages %+v", c.Description, c.Messages)
		}
		dc, _ := s.DeskCase(ctx, id)
		var internal []string
		for _, m := range dc.Messages {
			if m.Thread == store.ThreadInternal {
				internal = append(internal, m.Body)
			}
		}
		if len(internal) != 1 || internal[0] != note || strings.Contains(dc.Description, "frightened") {
			t.Fatalf("internal notes %q, description %q", internal, dc.Description)
		}
		reporter := site.Anonymous()
		if r := reporter.Post("/follow-up", url.Values{"receipt": {receiptOf(t, got.Body)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("signing in: %d", r.Status)
		}
		page := reporter.Get("/follow-up/case")
		if !strings.Contains(page.Body, "took our passports") || strings.Contains(page.Body, "frightened") {
			t.Fatalf("the reporter's page:\n%s", page.Body)
		}
	})
}
