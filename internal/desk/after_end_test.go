package desk_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestReporterWritingAfterTheEndComesBackToTheDesk: a withdrawn case whose reporter writes again
// shows above the inbox, whatever the filter, and on its page, until a handler marks it
// handled; only a handler may, and the case stays withdrawn.
func TestReporterWritingAfterTheEndComesBackToTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		site := stafftest.New(t, s)
		f := site.File(stafftest.Report("VN", "The agent kept our passports."))
		reporter := store.Actor{Role: "reporter"}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
			t.Fatal(err)
		}
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))
		if page := desk.Get("/desk"); strings.Contains(page.Body, `id="after-end"`) {
			t.Fatal("the inbox lists a case whose reporter has not written")
		}
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "They threatened me after I withdrew."}); err != nil {
			t.Fatal(err)
		}
		caseURL := "/desk/cases/" + strconv.FormatInt(f.CaseID, 10)
		for _, q := range []string{"", "?stage=screening", "?country=TH"} {
			page := desk.Get("/desk" + q)
			if !strings.Contains(page.Body, `id="after-end"`) || !strings.Contains(page.Body, `href="`+caseURL+`#after-end">`+f.Reference) {
				t.Fatalf("inbox%s does not list the case:\n%s", q, page.Body)
			}
			if strings.Contains(page.Body, "threatened") {
				t.Fatal("the inbox shows the message")
			}
		}
		if page := desk.Get(caseURL); !strings.Contains(page.Body, `action="`+caseURL+`/after-end"`) {
			t.Fatalf("the case page has no 'handled' button:\n%s", page.Body)
		}
		member := site.SignIn(site.User(grievance.RoleMember, site.Member("Acme", "")))
		if got := member.Post(caseURL+"/after-end", nil); got.Status != http.StatusForbidden && got.Status != http.StatusNotFound {
			t.Fatalf("a member marks it handled: %d", got.Status)
		}
		if got := desk.Post(caseURL+"/after-end", nil); got.Status != http.StatusSeeOther {
			t.Fatalf("marking it handled: %d %s", got.Status, got.Body)
		}
		if page := desk.Get("/desk"); strings.Contains(page.Body, `id="after-end"`) {
			t.Fatal("still listed once handled")
		}
		if page := desk.Get(caseURL); strings.Contains(page.Body, `/after-end"`) {
			t.Fatal("the case page still asks")
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		if c.Stage != grievance.CaseWithdrawn {
			t.Fatalf("stage %s", c.Stage)
		}
	})
}
