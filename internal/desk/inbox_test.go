package desk_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestInboxListsAndFiltersCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "アクメ衣料")
		vn := site.File(stafftest.Report("VN", "Unpaid overtime at the dye house.", grievance.CompanyRef{MemberID: acme}))
		th := site.File(stafftest.Report("TH", "Passports kept by the agent."))
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))

		all := desk.Get("/desk")
		if all.Status != http.StatusOK {
			t.Fatalf("inbox: %d", all.Status)
		}
		for _, ref := range []string{vn.Reference, th.Reference} {
			if !strings.Contains(all.Body, ref) {
				t.Errorf("inbox lacks %s", ref)
			}
		}
		if strings.Contains(all.Body, "Unpaid overtime") {
			t.Error("the inbox shows a report's text; it lists clear metadata only")
		}
		for _, tc := range []struct{ query, want, not string }{
			{"country=VN", vn.Reference, th.Reference},
			{"member=" + itoa(acme), vn.Reference, th.Reference},
			{"country=TH&stage=received", th.Reference, vn.Reference},
		} {
			got := desk.Get("/desk?" + tc.query)
			if !strings.Contains(got.Body, tc.want) || strings.Contains(got.Body, tc.not) {
				t.Errorf("%s: want %s and not %s", tc.query, tc.want, tc.not)
			}
		}
		if !strings.Contains(all.Body, "Acme Apparel") {
			t.Error("the inbox does not name the member concerned")
		}
	})
}

func TestInboxIsForHandlersOnly(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	if got := site.Anonymous().Get("/desk"); got.Status != http.StatusSeeOther || got.Location != "/staff/login" {
		t.Errorf("anonymous: %d to %q, want 303 to /staff/login", got.Status, got.Location)
	}
	for _, role := range []grievance.Role{grievance.RoleAdmin, grievance.RoleExpert, grievance.RolePanel} {
		if got := site.SignIn(site.User(role, 0)).Get("/desk"); got.Status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", role, got.Status)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestInboxSaysMoreThanWhenTheTotalIsCapped: a list over every stage counts only up to
// store.InboxCountCap; the page says "more than" and still offers the next page.
func TestInboxSaysMoreThanWhenTheTotalIsCapped(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	cases := make([]store.HistoricCase, store.InboxCountCap+1)
	for i := range cases {
		r := stafftest.Report("VN", "Withdrawn long ago.")
		r.ReceivedAt = s.Now().AddDate(-1, 0, -i%300)
		r.Normalize()
		cases[i] = store.HistoricCase{Report: r, Events: []store.HistoricEvent{
			{To: grievance.CaseWithdrawn, At: r.ReceivedAt.Add(time.Hour), Role: grievance.RoleReporter},
		}}
	}
	if _, err := s.ImportCases(context.Background(), cases, store.Actor{Role: "system"}, false); err != nil {
		t.Fatal(err)
	}
	desk := site.SignIn(site.User(grievance.RoleHandler, 0))
	got := desk.Get("/desk?stage=all")
	if !strings.Contains(got.Body, "Cases found: more than 1000") {
		t.Errorf("a capped total is not shown as one:\n%s", got.Body)
	}
	if !strings.Contains(got.Body, `rel="next"`) {
		t.Error("no next page under a capped total")
	}
}
