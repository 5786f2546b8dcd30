package desk_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var ctx = context.Background()

func casePath(id int64, rest ...string) string {
	return "/desk/cases/" + itoa(id) + strings.Join(rest, "")
}

// offered lists the case moves a page offers (each move's form or link carries data-move).
func offered(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-move="([a-z_]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func domainMoves(stage grievance.CaseStage) []string {
	var out []string
	for _, m := range grievance.NextCaseMoves(stage, grievance.RoleHandler) {
		out = append(out, string(m.To))
	}
	slices.Sort(out)
	return out
}

func mustStatus(t *testing.T, what string, got stafftest.Response, want int) {
	t.Helper()
	if got.Status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, got.Status, want, got.Body)
	}
}

func auditHas(t *testing.T, s *store.Store, caseID int64, entry string) bool {
	t.Helper()
	entries, err := s.AuditEntries(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(entries, entry)
}

func TestCasePageShowsIdentityOnlyWhenAskedAndAuditsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		r := stafftest.Report("VN", "The supervisor kept our passports in his office.")
		r.Anonymous, r.IdentityName, r.IdentityContact = false, "Nguyen Thi Lan", "+84 90 123 4567"
		f := site.File(r)
		h := site.User(grievance.RoleHandler, 0)
		desk := site.SignIn(h)

		page := desk.Get(casePath(f.CaseID))
		mustStatus(t, "case page", page, http.StatusOK)
		if !strings.Contains(page.Body, "The supervisor kept our passports in his office.") {
			t.Error("the case page does not show the narrative")
		}
		if strings.Contains(page.Body, "Nguyen Thi Lan") || strings.Contains(page.Body, "90 123 4567") {
			t.Fatal("the case page shows the identity before it was asked for")
		}
		if !strings.Contains(page.Body, `action="/desk/cases/`+itoa(f.CaseID)+`/identity"`) {
			t.Fatal("the case page offers no way to show the identity")
		}
		want := fmt.Sprintf("user:%d identity.show", h.ID)
		if auditHas(t, s, f.CaseID, want) {
			t.Fatal("viewing the case page was audited as showing the identity")
		}

		shown := desk.Post(casePath(f.CaseID, "/identity"), nil)
		mustStatus(t, "show identity", shown, http.StatusOK)
		if !strings.Contains(shown.Body, "Nguyen Thi Lan") || !strings.Contains(shown.Body, "90 123 4567") {
			t.Fatal("showing the identity did not show it")
		}
		if cc := shown.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("identity page Cache-Control %q", cc)
		}
		if !auditHas(t, s, f.CaseID, want) {
			t.Fatal("showing the identity wrote no audit entry")
		}
	})
}

func TestCasePageOffersExactlyTheMovesTheRulesAllow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		f := site.File(stafftest.Report("TH", "Wages withheld for three months."))
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))

		page := desk.Get(casePath(f.CaseID))
		if got, want := offered(page.Body), []string{"acknowledged", "withdrawn"}; !slices.Equal(got, want) {
			t.Fatalf("a received case offers %v, want %v", got, want)
		}
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			mustStatus(t, "move to "+string(to), desk.Post(casePath(f.CaseID, "/stage"), url.Values{"to": {string(to)}}), http.StatusSeeOther)
			page = desk.Get(casePath(f.CaseID))
			if got, want := offered(page.Body), domainMoves(to); !slices.Equal(got, want) {
				t.Fatalf("a case in %s offers %v, the rules allow %v", to, got, want)
			}
		}
		// Screening offers accept as a way to the screening page, and the withdrawal asks for a
		// reason: the form holds exactly the fields the move needs.
		if !strings.Contains(page.Body, `href="/desk/cases/`+itoa(f.CaseID)+`/screening#accept"`) {
			t.Error("screening does not lead to the screening page to accept")
		}
		withdraw := page.Body[strings.Index(page.Body, `data-move="withdrawn"`):]
		withdraw = withdraw[:strings.Index(withdraw, "</form>")]
		if !strings.Contains(withdraw, `name="reason"`) || strings.Contains(withdraw, `name="outcome"`) {
			t.Errorf("the withdrawal form does not hold exactly a reason:\n%s", withdraw)
		}
	})
}

func TestRefusedMoveAnswers422AndKeepsWhatWasTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		f := site.File(stafftest.Report("TH", "Wages withheld."))
		h := site.User(grievance.RoleHandler, 0)
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h.Actor()}); err != nil {
				t.Fatal(err)
			}
		}
		desk := site.SignIn(h)
		typed := "You can also contact the provincial labour office <Office 3> & its hotline."
		got := desk.Post(casePath(f.CaseID, "/stage"), url.Values{"to": {"not_accepted"}, "referral_text": {typed}})
		mustStatus(t, "not accepted without a reason code", got, http.StatusUnprocessableEntity)
		if !strings.Contains(got.Body, html.EscapeString(typed)) {
			t.Error("the typed referral text was lost")
		}
		if !strings.Contains(got.Body, "Choose why the report is not accepted.") {
			t.Error("the refusal is not explained")
		}
		rc, _ := s.ReporterCase(ctx, f.CaseID)
		if rc.Stage != grievance.CaseScreening || len(rc.Messages) != 0 {
			t.Fatalf("a refused move changed the case: %s, %d messages", rc.Stage, len(rc.Messages))
		}
		// A stale form (the case moved on meanwhile) is explained too, in Japanese for a
		// Japanese-speaking handler.
		req, _ := http.NewRequest("POST", site.URL(casePath(f.CaseID, "/stage")), strings.NewReader(url.Values{"to": {"acknowledged"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "ja")
		stale := desk.Send(req)
		mustStatus(t, "stale move", stale, http.StatusUnprocessableEntity)
		if !strings.Contains(stale.Body, "現在の段階からはこの移行はできません") {
			t.Error("the stale move is not explained in Japanese")
		}
	})
}

func TestHandlersAloneReachCases(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	acme := site.Member("Acme Apparel", "")
	f := site.File(stafftest.Report("VN", "Overtime unpaid.", grievance.CompanyRef{MemberID: acme}))
	for _, role := range []grievance.Role{grievance.RoleAdmin, grievance.RoleExpert, grievance.RolePanel} {
		if got := site.SignIn(site.User(role, 0)).Get(casePath(f.CaseID)); got.Status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", role, got.Status)
		}
	}
	if got := site.SignIn(site.User(grievance.RoleMember, acme)).Get(casePath(f.CaseID)); got.Status != http.StatusForbidden {
		t.Errorf("member: %d, want 403", got.Status)
	}
	desk := site.SignIn(site.User(grievance.RoleHandler, 0))
	for _, path := range []string{casePath(f.CaseID + 100), "/desk/cases/x", casePath(f.CaseID, "/files/999"), casePath(f.CaseID+100, "/screening")} {
		if got := desk.Get(path); got.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, got.Status)
		}
	}
}
