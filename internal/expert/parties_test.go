package expert_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestExpertSeesThePartiesBeforeDeclaring: the declaration page names the companies concerned,
// how they relate to the member, the country and the categories, and nothing the reporter said
// or is: not the narrative, the identity, the site or a file name.
func TestExpertSeesThePartiesBeforeDeclaring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := stafftest.Report("VN", narrative)
		r.Anonymous, r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = false, "Tran Van Minh", "minh@example.org", true
		r.Site = "Dormitory block C"
		r.Categories = []grievance.Category{"occupational_safety_health"}
		r.Attachments = []grievance.Attachment{{Name: "exit-photo-minh.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}}
		w := setup(t, stafftest.New(t, s), r)
		decl := w.site.SignIn(w.expert).Get(w.caseURL + "/declaration")
		if decl.Status != http.StatusOK {
			t.Fatalf("declaration page: %d", decl.Status)
		}
		for _, want := range []string{"Who and what the case concerns", "Acme Apparel", "Supplier (tier 1)", "VN", "Occupational safety and health"} {
			if !strings.Contains(decl.Body, want) {
				t.Errorf("the declaration page does not show %q", want)
			}
		}
		for _, secret := range []string{"chained the fire exits", "Tran Van Minh", "minh@example.org", "Dormitory block C", "exit-photo-minh", "Fire exits reported blocked"} {
			if strings.Contains(decl.Body, secret) {
				t.Errorf("the declaration page shows %q before the declaration", secret)
			}
		}
	})
}

// TestHandlerSeesTheDeclaration: who declared, when, whether there is a conflict, and the note.
func TestHandlerSeesTheDeclaration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		w := setup(t, site, stafftest.Report("VN", narrative))
		other := site.User(grievance.RoleExpert, 0)
		if err := s.AssignExpert(ctx, w.filed.CaseID, other.ID, w.handler.Actor()); err != nil {
			t.Fatal(err)
		}
		declare(t, site.SignIn(w.expert), w.caseURL)
		if got := site.SignIn(other).Post(w.caseURL+"/declaration", url.Values{"decision": {"conflict"}, "note": {"I advised Acme in 2024."}}); got.Status != http.StatusSeeOther {
			t.Fatalf("declaring a conflict: %d", got.Status)
		}
		page := site.SignIn(w.handler).Get(fmt.Sprintf("/desk/cases/%d", w.filed.CaseID)).Body
		experts := page[strings.Index(page, "<h3>Experts</h3>"):]
		experts = experts[:strings.Index(experts, "</table>")]
		rowOf := func(name string) string {
			i := strings.Index(experts, "<td>"+name+"</td>")
			if i < 0 {
				t.Fatalf("no row for %s in %s", name, experts)
			}
			row := experts[i:]
			return row[:strings.Index(row, "</tr>")]
		}
		if row := rowOf(w.expert.DisplayName); !strings.Contains(row, "No conflict, declared 20") {
			t.Errorf("the no-conflict declaration reads %q", row)
		}
		row := rowOf(other.DisplayName)
		for _, want := range []string{"Declared a conflict", "(declared 20", "I advised Acme in 2024."} {
			if !strings.Contains(row, want) {
				t.Errorf("the conflict row %q lacks %q", row, want)
			}
		}
	})
}
