package desk_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestInboxBulkNotAccepted: a handler selects many junk cases in the inbox and declines them in
// one post with one reason; each case is moved and audited, a case past screening is left
// alone, a cross-site post is refused, and a post with nothing selected keeps the text typed.
func TestInboxBulkNotAccepted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		var junk []store.Filed
		for range 5 {
			junk = append(junk, site.File(stafftest.Report("VN", "junk junk junk")))
		}
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))
		page := desk.Get("/desk")
		if !strings.Contains(page.Body, `form="bulk"`) || !strings.Contains(page.Body, `action="/desk/inbox/not-accepted"`) {
			t.Fatal("the inbox has no bulk form")
		}

		form := url.Values{"not_accepted_reason": {"abusive"}, "referral_text": {"Kept for the record."}, "back": {"stage=received"}}
		for _, f := range junk[:4] {
			form.Add("case", itoa(f.CaseID))
		}
		// A cross-site post (a page elsewhere submitting the form) is refused before anything moves.
		req, _ := http.NewRequest("POST", site.URL("/desk/inbox/not-accepted"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if got := desk.Send(req); got.Status != http.StatusForbidden {
			t.Fatalf("cross-site bulk post: %d, want 403", got.Status)
		}

		got := desk.Post("/desk/inbox/not-accepted", form)
		if got.Status != http.StatusSeeOther || !strings.Contains(got.Location, "declined=4") || !strings.Contains(got.Location, "stage=received") {
			t.Fatalf("bulk decline: %d to %q", got.Status, got.Location)
		}
		if after := desk.Get(got.Location); !strings.Contains(after.Body, "Cases not accepted: 4") {
			t.Fatal("the inbox does not say how many were declined")
		}
		for i, f := range junk {
			c, err := s.ReporterCase(t.Context(), f.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			want := grievance.CaseNotAccepted
			if i == 4 {
				want = grievance.CaseReceived
			}
			if c.Stage != want {
				t.Fatalf("case %d: %s, want %s", i, c.Stage, want)
			}
		}
		var audited int
		s.DB().QueryRow(storetest.Rebind(s, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.stage' AND detail LIKE ?`), "%abusive%").Scan(&audited)
		if audited != 4 {
			t.Fatalf("%d not-accepted moves audited, want one per case (4)", audited)
		}

		none := desk.Post("/desk/inbox/not-accepted", url.Values{"not_accepted_reason": {"duplicate"}, "referral_text": {"A text worth keeping"}})
		if none.Status != http.StatusUnprocessableEntity || !strings.Contains(none.Body, "Select at least one case") || !strings.Contains(none.Body, "A text worth keeping") {
			t.Fatalf("nothing selected: %d", none.Status)
		}
		other := desk.Post("/desk/inbox/not-accepted", url.Values{"not_accepted_reason": {"outside_mandate"}, "referral_text": {"x"}, "case": {itoa(junk[4].CaseID)}})
		if other.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a reason other than abusive or duplicate: %d, want 422", other.Status)
		}
	})
}
