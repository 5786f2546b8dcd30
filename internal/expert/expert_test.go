package expert_test

import (
	"context"
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

var ctx = context.Background()

const narrative = "The supervisor chained the fire exits of building 2."

// world is a case whose one referral is in investigation, and an expert assigned to it.
type world struct {
	site     *stafftest.Site
	handler  store.User
	expert   store.User
	filed    store.Filed
	referral store.Referral
	caseURL  string
}

func setup(t *testing.T, site *stafftest.Site, r grievance.Report) world {
	t.Helper()
	s := site.Store
	w := world{site: site, handler: site.User(grievance.RoleHandler, 0), expert: site.User(grievance.RoleExpert, 0)}
	acme := site.Member(fmt.Sprintf("Acme Apparel %d", w.handler.ID), "")
	r.Companies = []grievance.CompanyRef{{MemberID: acme, Relation: "supplier"}}
	w.filed = site.File(r)
	w.caseURL = fmt.Sprintf("/expert/cases/%d", w.filed.CaseID)
	h := w.handler.Actor()
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: w.filed.CaseID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	companies, err := s.CaseCompanies(ctx, w.filed.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: w.filed.CaseID, To: grievance.CaseAccepted, Actor: h,
		Referrals: []store.NewReferral{{CompanyID: companies[0].ID, SharedNarrative: "Fire exits reported blocked."}}}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.Referrals(ctx, w.filed.CaseID)
	for _, to := range []grievance.ReferralStage{grievance.ReferralResponded, grievance.ReferralInvestigation} {
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: refs[0].ID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	w.referral = refs[0]
	if err := s.AssignExpert(ctx, w.filed.CaseID, w.expert.ID, h); err != nil {
		t.Fatal(err)
	}
	return w
}

func declare(t *testing.T, c *stafftest.Client, caseURL string) {
	t.Helper()
	got := c.Post(caseURL+"/declaration", url.Values{"decision": {"no_conflict"}, "no_conflict": {"1"}})
	if got.Status != http.StatusSeeOther || got.Location != caseURL {
		t.Fatalf("declaring no conflict: %d to %q", got.Status, got.Location)
	}
}

func TestDeclarationGatesTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := setup(t, stafftest.New(t, s), stafftest.Report("VN", narrative))
		c := w.site.SignIn(w.expert)

		list := c.Get("/expert")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, `href="`+w.caseURL+`/declaration"`) {
			t.Fatalf("the list does not send a pending case to its declaration: %d\n%s", list.Status, list.Body)
		}
		got := c.Get(w.caseURL)
		if got.Status != http.StatusSeeOther || got.Location != w.caseURL+"/declaration" {
			t.Fatalf("undeclared case page: %d to %q, want 303 to the declaration", got.Status, got.Location)
		}
		decl := c.Get(w.caseURL + "/declaration")
		if decl.Status != http.StatusOK || !strings.Contains(decl.Body, "I have no conflict of interest with the reporter") {
			t.Fatalf("declaration page: %d\n%s", decl.Status, decl.Body)
		}
		// Before declaring, nothing of the case leaks, and nothing can be done in it.
		for name, r := range map[string]stafftest.Response{
			"list":        list,
			"declaration": decl,
			"findings":    c.Post(w.caseURL+"/findings", url.Values{"referral": {"0"}, "body": {"x"}}),
			"stage":       c.Post(fmt.Sprintf("%s/referrals/%d/stage", w.caseURL, w.referral.ID), url.Values{"to": {"dialogue"}}),
			"identity":    c.Post(w.caseURL+"/identity", nil),
		} {
			if strings.Contains(r.Body, "chained the fire exits") {
				t.Errorf("%s shows the narrative before the declaration", name)
			}
			if name != "list" && name != "declaration" && r.Status != http.StatusNotFound {
				t.Errorf("%s before the declaration: %d, want 404", name, r.Status)
			}
		}
		if refs, _ := s.Referrals(ctx, w.filed.CaseID); refs[0].Stage != grievance.ReferralInvestigation {
			t.Fatalf("an undeclared expert moved the referral to %s", refs[0].Stage)
		}

		unticked := c.Post(w.caseURL+"/declaration", url.Values{"decision": {"no_conflict"}})
		if unticked.Status != http.StatusUnprocessableEntity || !strings.Contains(unticked.Body, "Tick the box to confirm") || strings.Contains(unticked.Body, "chained") {
			t.Fatalf("declaring without ticking the box: %d\n%s", unticked.Status, unticked.Body)
		}
		declare(t, c, w.caseURL)
		open := c.Get(w.caseURL)
		if open.Status != http.StatusOK || !strings.Contains(open.Body, narrative) || !strings.Contains(open.Body, "Acme Apparel") || !strings.Contains(open.Body, "Fire exits reported blocked.") {
			t.Fatalf("declared case page: %d\n%s", open.Status, open.Body)
		}
		if again := c.Get(w.caseURL + "/declaration"); again.Status != http.StatusSeeOther || again.Location != w.caseURL {
			t.Fatalf("the declaration after declaring: %d to %q", again.Status, again.Location)
		}
		entries, _ := s.AuditEntries(ctx, w.filed.CaseID)
		if log := strings.Join(entries, "\n"); !strings.Contains(log, fmt.Sprintf("user:%d expert.declare_no_conflict", w.expert.ID)) {
			t.Fatalf("the declaration is not audited: %s", log)
		}
	})
}

func TestAnotherExpertsCaseIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := setup(t, stafftest.New(t, s), stafftest.Report("VN", narrative))
		declare(t, w.site.SignIn(w.expert), w.caseURL)

		other := w.site.SignIn(w.site.User(grievance.RoleExpert, 0))
		for name, r := range map[string]stafftest.Response{
			"case":        other.Get(w.caseURL),
			"declaration": other.Get(w.caseURL + "/declaration"),
			"declare":     other.Post(w.caseURL+"/declaration", url.Values{"decision": {"no_conflict"}, "no_conflict": {"1"}}),
			"findings":    other.Post(w.caseURL+"/findings", url.Values{"referral": {"0"}, "body": {"x"}}),
			"stage":       other.Post(fmt.Sprintf("%s/referrals/%d/stage", w.caseURL, w.referral.ID), url.Values{"to": {"dialogue"}}),
		} {
			if r.Status != http.StatusNotFound || strings.Contains(r.Body, "chained") {
				t.Errorf("another expert's %s: %d, want 404", name, r.Status)
			}
		}
		if list := other.Get("/expert"); strings.Contains(list.Body, w.filed.Reference) {
			t.Error("another expert's list shows the case")
		}

		// An assigned expert who declares a conflict loses the case for good.
		conflicted := w.site.User(grievance.RoleExpert, 0)
		if err := s.AssignExpert(ctx, w.filed.CaseID, conflicted.ID, w.handler.Actor()); err != nil {
			t.Fatal(err)
		}
		cc := w.site.SignIn(conflicted)
		got := cc.Post(w.caseURL+"/declaration", url.Values{"decision": {"conflict"}, "note": {"I advised Acme in 2024"}})
		if got.Status != http.StatusSeeOther || got.Location != "/expert?conflict=1" {
			t.Fatalf("declaring a conflict: %d to %q", got.Status, got.Location)
		}
		if r := cc.Get(w.caseURL); r.Status != http.StatusNotFound {
			t.Errorf("the case after a conflict: %d, want 404", r.Status)
		}
		if r := cc.Post(w.caseURL+"/declaration", url.Values{"decision": {"no_conflict"}, "no_conflict": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("taking a conflict back: %d, want 404", r.Status)
		}
		if list := cc.Get("/expert"); strings.Contains(list.Body, `href="`+w.caseURL) || !strings.Contains(list.Body, "Conflict declared") {
			t.Errorf("the list links a conflicted case or does not say why it is closed:\n%s", list.Body)
		}
		if r := w.site.SignIn(w.handler).Get("/expert"); r.Status != http.StatusForbidden {
			t.Errorf("a handler on /expert: %d, want 403", r.Status)
		}
	})
}

func TestFindingsAreSavedAndShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := setup(t, stafftest.New(t, s), stafftest.Report("VN", narrative))
		c := w.site.SignIn(w.expert)
		declare(t, c, w.caseURL)
		rid := fmt.Sprint(w.referral.ID)

		blank := c.Post(w.caseURL+"/findings", url.Values{"referral": {rid}, "body": {"   "}})
		if blank.Status != http.StatusUnprocessableEntity || !strings.Contains(blank.Body, "Write the finding before saving it.") {
			t.Fatalf("a blank finding: %d\n%s", blank.Status, blank.Body)
		}
		const finding = "Three of five exits were chained on the day of the visit."
		got := c.Post(w.caseURL+"/findings", url.Values{"referral": {rid}, "body": {finding}})
		if got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, w.caseURL) {
			t.Fatalf("saving a finding: %d to %q", got.Status, got.Location)
		}
		page := c.Get(got.Location)
		if !strings.Contains(page.Body, finding) || !strings.Contains(page.Body, "Your finding has been saved.") {
			t.Fatalf("the case page does not show the finding:\n%s", page.Body)
		}
		saved, err := s.Findings(ctx, w.filed.CaseID)
		if err != nil || len(saved) != 1 || saved[0].Body != finding || saved[0].ReferralID != w.referral.ID || saved[0].UserID != w.expert.ID {
			t.Fatalf("stored findings = %+v, %v", saved, err)
		}
		if r := c.Post(w.caseURL+"/findings", url.Values{"referral": {"999999"}, "body": {"x"}}); r.Status != http.StatusNotFound {
			t.Errorf("a finding on a referral of no case: %d, want 404", r.Status)
		}
	})
}

func TestExpertMovesAReferral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := setup(t, stafftest.New(t, s), stafftest.Report("VN", narrative))
		c := w.site.SignIn(w.expert)
		declare(t, c, w.caseURL)
		stageURL := fmt.Sprintf("%s/referrals/%d/stage", w.caseURL, w.referral.ID)

		page := c.Get(w.caseURL)
		for _, m := range grievance.NextReferralMoves(grievance.ReferralInvestigation, grievance.CaseAccepted, grievance.RoleExpert) {
			if !strings.Contains(page.Body, `name="to" value="`+string(m.To)+`"`) {
				t.Errorf("the page does not offer the move to %s", m.To)
			}
		}
		if strings.Contains(page.Body, `name="to" value="remedy_agreed"`) {
			t.Error("the page offers a move only the secretariat may make")
		}

		forbidden := c.Post(stageURL, url.Values{"to": {"remedy_agreed"}, "remedy_types": {"apology"}})
		if forbidden.Status != http.StatusUnprocessableEntity || !strings.Contains(forbidden.Body, "An expert cannot move a referral from Investigation to Remedy agreed") {
			t.Fatalf("a move the rules forbid: %d\n%s", forbidden.Status, forbidden.Body)
		}
		noOutcome := c.Post(stageURL, url.Values{"to": {"concluded"}})
		if noOutcome.Status != http.StatusUnprocessableEntity || !strings.Contains(noOutcome.Body, "Choose an outcome.") {
			t.Fatalf("concluding without an outcome: %d\n%s", noOutcome.Status, noOutcome.Body)
		}
		if refs, _ := s.Referrals(ctx, w.filed.CaseID); refs[0].Stage != grievance.ReferralInvestigation {
			t.Fatalf("a refused move changed the referral to %s", refs[0].Stage)
		}

		got := c.Post(stageURL, url.Values{"to": {"concluded"}, "outcome": {"not_substantiated"}})
		if got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, w.caseURL) {
			t.Fatalf("concluding: %d to %q\n%s", got.Status, got.Location, got.Body)
		}
		refs, _ := s.Referrals(ctx, w.filed.CaseID)
		if refs[0].Stage != grievance.ReferralConcluded || refs[0].Outcome != "not_substantiated" {
			t.Fatalf("referral after the expert's move = %+v", refs[0])
		}
		entries, _ := s.AuditEntries(ctx, w.filed.CaseID)
		if log := strings.Join(entries, "\n"); !strings.Contains(log, fmt.Sprintf("user:%d referral.stage", w.expert.ID)) {
			t.Fatalf("the expert's move is not audited as theirs: %s", log)
		}
		after := c.Get(w.caseURL)
		if strings.Contains(after.Body, `name="to" value=`) {
			t.Error("a concluded referral still offers moves")
		}
	})
}

func TestIdentityOnlyWithConsentAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := stafftest.Report("VN", narrative)
		r.Anonymous, r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = false, "Tran Van Minh", "minh@example.org", true
		site := stafftest.New(t, s)
		w := setup(t, site, r)
		c := w.site.SignIn(w.expert)
		declare(t, c, w.caseURL)

		page := c.Get(w.caseURL)
		if !strings.Contains(page.Body, `action="`+w.caseURL+`/identity"`) || strings.Contains(page.Body, "Tran Van Minh") {
			t.Fatalf("with consent the page should offer (not show) the identity:\n%s", page.Body)
		}
		shown := c.Post(w.caseURL+"/identity", nil)
		if shown.Status != http.StatusOK || !strings.Contains(shown.Body, "Tran Van Minh") || !strings.Contains(shown.Body, "minh@example.org") {
			t.Fatalf("showing the identity: %d\n%s", shown.Status, shown.Body)
		}
		entries, _ := s.AuditEntries(ctx, w.filed.CaseID)
		if log := strings.Join(entries, "\n"); !strings.Contains(log, fmt.Sprintf("user:%d identity.show", w.expert.ID)) {
			t.Fatalf("the display is not audited: %s", log)
		}

		r.ConsentShareIdentity = false
		w2 := setup(t, site, r)
		c2 := w2.site.SignIn(w2.expert)
		declare(t, c2, w2.caseURL)
		if p := c2.Get(w2.caseURL); strings.Contains(p.Body, "/identity\"") || !strings.Contains(p.Body, "has not agreed to share") {
			t.Errorf("without consent the page offers the identity:\n%s", p.Body)
		}
		if got := c2.Post(w2.caseURL+"/identity", nil); got.Status != http.StatusNotFound || strings.Contains(got.Body, "Tran Van Minh") {
			t.Errorf("identity without consent: %d, want 404", got.Status)
		}
	})
}

// An expert who finds a conflict after declaring none can still declare it, and loses the case.
func TestConflictAfterNoConflictClosesTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := setup(t, stafftest.New(t, s), stafftest.Report("VN", narrative))
		c := w.site.SignIn(w.expert)
		declare(t, c, w.caseURL)
		if open := c.Get(w.caseURL); open.Status != http.StatusOK || !strings.Contains(open.Body, narrative) {
			t.Fatalf("declared case page: %d", open.Status)
		}
		got := c.Post(w.caseURL+"/declaration", url.Values{"decision": {"conflict"}, "note": {"I audited this supplier"}})
		if got.Status != http.StatusSeeOther || got.Location != "/expert?conflict=1" {
			t.Fatalf("declaring a conflict after none: %d to %q", got.Status, got.Location)
		}
		for _, path := range []string{w.caseURL, w.caseURL + "/declaration"} {
			if r := c.Get(path); r.Status != http.StatusNotFound || strings.Contains(r.Body, "chained the fire exits") {
				t.Errorf("%s after the conflict: %d, want 404", path, r.Status)
			}
		}
		if r := c.Post(w.caseURL+"/findings", url.Values{"referral": {fmt.Sprint(w.referral.ID)}, "body": {"x"}}); r.Status != http.StatusNotFound {
			t.Errorf("a finding after the conflict: %d, want 404", r.Status)
		}
		// Taking the conflict back is refused.
		if r := c.Post(w.caseURL+"/declaration", url.Values{"decision": {"no_conflict"}, "no_conflict": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("no conflict after a conflict: %d, want 404", r.Status)
		}
	})
}
