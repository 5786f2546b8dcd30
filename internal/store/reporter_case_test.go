package store_test

import (
	"reflect"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestReporterCaseOpensTheSatisfactionComment: the comment a reporter gave with their rating is
// read back with the case, and a later answer that carries it again keeps it.
func TestReporterCaseOpensTheSatisfactionComment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := mustFile(t, s, report("x"))
		closeCase(t, s, f.CaseID)
		c, err := s.ReporterCase(ctx, f.CaseID)
		if err != nil || c.SatisfactionComment != "" {
			t.Fatalf("before any answer: comment %q, %v", c.SatisfactionComment, err)
		}
		const comment = "Họ đã trả lại hộ chiếu.\nCảm ơn."
		if err := s.SetSatisfaction(ctx, f.CaseID, 4, comment, reporter); err != nil {
			t.Fatal(err)
		}
		if c, _ = s.ReporterCase(ctx, f.CaseID); c.Satisfaction != 4 || c.SatisfactionComment != comment {
			t.Fatalf("after answering: rating %d, comment %q", c.Satisfaction, c.SatisfactionComment)
		}
		// The form shows the comment again, so changing only the rating sends it back unchanged.
		if err := s.SetSatisfaction(ctx, f.CaseID, 2, c.SatisfactionComment, reporter); err != nil {
			t.Fatal(err)
		}
		if c, _ = s.ReporterCase(ctx, f.CaseID); c.Satisfaction != 2 || c.SatisfactionComment != comment {
			t.Fatalf("after changing the rating: rating %d, comment %q", c.Satisfaction, c.SatisfactionComment)
		}
	})
}

// TestReporterCaseListsEachReferralInTheReportsOrder: each company's stage and outcome, numbered
// by its place in the report whatever order the referrals were made in; a company the
// secretariat added comes after the reporter's.
func TestReporterCaseListsEachReferralInTheReportsOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		alpha, alphaID := memberUser(t, s, "Alpha")
		_, betaID := memberUser(t, s, "Beta")
		_, gammaID := memberUser(t, s, "Gamma")
		r := report("two suppliers")
		r.Companies = []grievance.CompanyRef{{MemberID: alphaID, Relation: "supplier"}, {MemberID: betaID, Relation: "supplier"}}
		f := mustFile(t, s, r)
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddCaseCompany(ctx, f.CaseID, grievance.CompanyRef{MemberID: gammaID}, h); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.ReporterCase(ctx, f.CaseID); len(c.Progress) != 0 {
			t.Fatalf("progress before acceptance: %+v", c.Progress)
		}
		companies, err := s.CaseCompanies(ctx, f.CaseID)
		if err != nil || len(companies) != 3 {
			t.Fatalf("companies %+v, %v", companies, err)
		}
		// Referred in the reverse order of the report.
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: h, Referrals: []store.NewReferral{
			{CompanyID: companies[2].ID, SharedNarrative: "for Gamma"}, {CompanyID: companies[1].ID, SharedNarrative: "for Beta"}, {CompanyID: companies[0].ID, SharedNarrative: "for Alpha"},
		}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		byMember := map[int64]int64{}
		for _, ref := range refs {
			byMember[ref.MemberID] = ref.ID
		}
		for _, st := range []store.ReferralStageChange{
			{ReferralID: byMember[alphaID], To: grievance.ReferralResponded, Actor: alpha},
			{ReferralID: byMember[alphaID], To: grievance.ReferralDialogue, Actor: h},
			{ReferralID: byMember[gammaID], To: grievance.ReferralResponded, Actor: h},
			{ReferralID: byMember[gammaID], To: grievance.ReferralConcluded, Actor: h, Outcome: "not_substantiated"},
		} {
			if err := s.ChangeReferralStage(ctx, st); err != nil {
				t.Fatalf("%s: %v", st.To, err)
			}
		}
		c, err := s.ReporterCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		// The members the reporter chose are named; the one the secretariat added is not.
		want := []store.ReporterProgress{
			{Company: 1, Named: true, MemberNameEN: "Alpha", Stage: grievance.ReferralDialogue},
			{Company: 2, Named: true, MemberNameEN: "Beta", Stage: grievance.ReferralForwarded},
			{Company: 3, Stage: grievance.ReferralConcluded, Outcome: "not_substantiated"},
		}
		if !reflect.DeepEqual(c.Progress, want) {
			t.Fatalf("progress %+v, want %+v", c.Progress, want)
		}
		if got := c.Progress[2].DisplayName("en"); got != "" {
			t.Fatalf("the added company is shown as %q", got)
		}
	})
}
