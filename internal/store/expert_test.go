package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func expertUser(t *testing.T, s *store.Store, name string) int64 {
	t.Helper()
	id, err := s.CreateUser(ctx, store.User{Email: fmt.Sprintf("%s%d@example.org", name, time.Now().UnixNano()), DisplayName: name, Role: grievance.RoleExpert}, "$argon2id$x", system)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// caseInInvestigation files a report about one member and moves its referral to investigation.
func caseInInvestigation(t *testing.T, s *store.Store, h store.Actor, r grievance.Report) (store.Filed, store.Referral) {
	t.Helper()
	_, mid := memberUser(t, s, fmt.Sprintf("Member%d", time.Now().UnixNano()))
	r.Companies = []grievance.CompanyRef{{MemberID: mid, Relation: "supplier"}}
	f := mustFile(t, s, r)
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	companies, _ := s.CaseCompanies(ctx, f.CaseID)
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: h,
		Referrals: []store.NewReferral{{CompanyID: companies[0].ID, SharedNarrative: "What the company is told"}}}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.Referrals(ctx, f.CaseID)
	for _, to := range []grievance.ReferralStage{grievance.ReferralResponded, grievance.ReferralInvestigation} {
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: refs[0].ID, To: to, Actor: h, Reason: "reason for " + string(to)}); err != nil {
			t.Fatal(err)
		}
	}
	refs, _ = s.Referrals(ctx, f.CaseID)
	return f, refs[0]
}

func TestExpertSeesACaseOnlyAfterDeclaringNoConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		r := report("The supervisor locked the exit doors")
		r.Site, r.WhenHappened, r.RemedySought = "Building 2", "March", "Unlocked doors"
		f, ref := caseInInvestigation(t, s, h, r)
		alice, bob, carol := expertUser(t, s, "Alice"), expertUser(t, s, "Bob"), expertUser(t, s, "Carol")
		for _, e := range []int64{alice, carol} {
			if err := s.AssignExpert(ctx, f.CaseID, e, h); err != nil {
				t.Fatal(err)
			}
		}
		move := func(expert int64) error {
			return s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref.ID, To: grievance.ReferralDialogue, Actor: store.Actor{Role: "expert", UserID: expert}})
		}

		// Assigned but not declared: nothing, not even a move.
		if _, err := s.ExpertCase(ctx, f.CaseID, alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("undeclared expert read the case: %v", err)
		}
		if err := move(alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("undeclared expert moved a referral: %v", err)
		}
		rows, err := s.ExpertCases(ctx, alice)
		if err != nil || len(rows) != 1 || !rows[0].Pending() || rows[0].Reference != f.Reference || rows[0].Investigations != 1 {
			t.Fatalf("alice's cases = %+v, %v", rows, err)
		}

		if err := s.DeclareNoConflict(ctx, f.CaseID, alice); err != nil {
			t.Fatal(err)
		}
		v, err := s.ExpertCase(ctx, f.CaseID, alice)
		if err != nil {
			t.Fatal(err)
		}
		if v.Description != "The supervisor locked the exit doors" || v.Site != "Building 2" || v.WhenHappened != "March" || v.RemedySought != "Unlocked doors" ||
			v.Reference != f.Reference || v.Country != "JP" || len(v.Categories) != 1 || v.Categories[0] != "wages_benefits" {
			t.Fatalf("expert view = %+v", v)
		}
		if len(v.Referrals) != 1 {
			t.Fatalf("referrals = %+v", v.Referrals)
		}
		er := v.Referrals[0]
		if er.Stage != grievance.ReferralInvestigation || er.SharedNarrative != "What the company is told" || !strings.HasPrefix(er.MemberNameEN, "Member") {
			t.Fatalf("referral = %+v", er)
		}
		if len(er.History) != 3 || er.History[2].To != grievance.ReferralInvestigation || er.History[2].Reason != "reason for investigation" {
			t.Fatalf("referral history = %+v", er.History)
		}

		// Bob is not assigned; Carol declares a conflict, after which she cannot change her mind.
		if _, err := s.ExpertCase(ctx, f.CaseID, bob); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unassigned expert read the case: %v", err)
		}
		if err := move(bob); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unassigned expert moved a referral: %v", err)
		}
		if err := s.DeclareNoConflict(ctx, f.CaseID, bob); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unassigned expert declared: %v", err)
		}
		if err := s.DeclareConflict(ctx, f.CaseID, carol, "I advised the supplier in 2024"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareNoConflict(ctx, f.CaseID, carol); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a conflicted expert took the conflict back: %v", err)
		}
		if _, err := s.ExpertCase(ctx, f.CaseID, carol); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("conflicted expert read the case: %v", err)
		}
		if err := move(carol); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("conflicted expert moved a referral: %v", err)
		}
		if _, err := s.AddFinding(ctx, f.CaseID, ref.ID, carol, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("conflicted expert added a finding: %v", err)
		}

		// Alice, declared, may make an expert's move.
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref.ID, To: grievance.ReferralConcluded, Outcome: "not_substantiated",
			Actor: store.Actor{Role: "expert", UserID: alice}}); err != nil {
			t.Fatalf("declared expert's move: %v", err)
		}

		experts, err := s.CaseExperts(ctx, f.CaseID)
		if err != nil || len(experts) != 2 || experts[0].UserID != alice || experts[0].DeclaredAt.IsZero() || experts[0].Name != "Alice" ||
			experts[1].UserID != carol || experts[1].ConflictAt.IsZero() {
			t.Fatalf("case experts = %+v, %v", experts, err)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		log := strings.Join(entries, "\n")
		for _, want := range []string{
			fmt.Sprintf("user:%d expert.assign", h.UserID),
			fmt.Sprintf("user:%d expert.declare_no_conflict", alice),
			fmt.Sprintf("user:%d expert.declare_conflict", carol),
			fmt.Sprintf("user:%d referral.stage", alice),
		} {
			if !strings.Contains(log, want) {
				t.Errorf("audit lacks %q:\n%s", want, log)
			}
		}
		if strings.Contains(log, fmt.Sprintf("user:%d referral.stage", bob)) || strings.Contains(log, fmt.Sprintf("user:%d referral.stage", carol)) {
			t.Errorf("a refused move was audited:\n%s", log)
		}
	})
}

func TestAssigningExperts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		f := mustFile(t, s, report("x"))
		alice := expertUser(t, s, "Alice")
		member, _ := memberUser(t, s, "Delta")
		if err := s.AssignExpert(ctx, f.CaseID, member.UserID, h); !errors.Is(err, store.ErrNotExpert) {
			t.Fatalf("assigning a member user: %v", err)
		}
		if err := s.AssignExpert(ctx, f.CaseID, h.UserID, h); !errors.Is(err, store.ErrNotExpert) {
			t.Fatalf("assigning a handler: %v", err)
		}
		if err := s.AssignExpert(ctx, f.CaseID, alice, store.Actor{Role: "member", UserID: member.UserID, MemberID: member.MemberID}); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("a member assigned an expert: %v", err)
		}
		if err := s.AssignExpert(ctx, f.CaseID+1000, alice, h); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("assigning to an unknown case: %v", err)
		}
		for i := 0; i < 2; i++ {
			if err := s.AssignExpert(ctx, f.CaseID, alice, h); err != nil {
				t.Fatal(err)
			}
		}
		experts, _ := s.CaseExperts(ctx, f.CaseID)
		if len(experts) != 1 || !experts[0].Pending() {
			t.Fatalf("experts after assigning twice = %+v", experts)
		}
		roster, err := s.ActiveUsers(ctx, grievance.RoleExpert)
		if err != nil || len(roster) != 1 || roster[0].ID != alice {
			t.Fatalf("roster = %+v, %v", roster, err)
		}
		if err := s.UnassignExpert(ctx, f.CaseID, alice, h); err != nil {
			t.Fatal(err)
		}
		if err := s.UnassignExpert(ctx, f.CaseID, alice, h); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unassigning twice: %v", err)
		}
		if rows, _ := s.ExpertCases(ctx, alice); len(rows) != 0 {
			t.Fatalf("an unassigned expert still lists the case: %+v", rows)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		log := strings.Join(entries, "\n")
		if strings.Count(log, "expert.assign") != 1 || strings.Count(log, "expert.unassign") != 1 {
			t.Fatalf("audit = %s", log)
		}
	})
}

func TestFindingsAreSealedAndGated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		f, ref := caseInInvestigation(t, s, h, report("x"))
		other, _ := caseInInvestigation(t, s, h, report("y"))
		alice := expertUser(t, s, "Alice")
		s.AssignExpert(ctx, f.CaseID, alice, h)
		const text = "FINDING-MARKER-3k9: the exit doors were chained"
		if _, err := s.AddFinding(ctx, f.CaseID, ref.ID, alice, text); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an undeclared expert added a finding: %v", err)
		}
		if err := s.DeclareNoConflict(ctx, f.CaseID, alice); err != nil {
			t.Fatal(err)
		}
		otherRefs, _ := s.Referrals(ctx, other.CaseID)
		if _, err := s.AddFinding(ctx, f.CaseID, otherRefs[0].ID, alice, text); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a finding on another case's referral: %v", err)
		}
		id, err := s.AddFinding(ctx, f.CaseID, ref.ID, alice, text)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddFinding(ctx, f.CaseID, 0, alice, "about the whole case"); err != nil {
			t.Fatal(err)
		}
		var sealed []byte
		if err := s.DB().QueryRow(`SELECT body_sealed FROM expert_findings WHERE id = ` + fmt.Sprint(id)).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if len(sealed) == 0 || bytes.Contains(sealed, []byte("FINDING-MARKER")) || bytes.Contains(sealed, []byte("chained")) {
			t.Fatalf("the finding is stored in clear: %q", sealed)
		}
		for _, load := range []func() ([]store.Finding, error){
			func() ([]store.Finding, error) { return s.Findings(ctx, f.CaseID) },
			func() ([]store.Finding, error) {
				v, err := s.ExpertCase(ctx, f.CaseID, alice)
				if err != nil {
					return nil, err
				}
				return v.Findings, nil
			},
		} {
			got, err := load()
			if err != nil || len(got) != 2 || got[0].Body != text || got[0].ReferralID != ref.ID || got[0].AuthorName != "Alice" || got[1].ReferralID != 0 {
				t.Fatalf("findings = %+v, %v", got, err)
			}
		}
		if got, _ := s.Findings(ctx, other.CaseID); len(got) != 0 {
			t.Fatalf("another case has findings: %+v", got)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		if log := strings.Join(entries, "\n"); strings.Count(log, fmt.Sprintf("user:%d expert.finding", alice)) != 2 {
			t.Fatalf("findings not audited: %s", log)
		}
	})
}

func TestExpertSeesIdentityOnlyWithConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		alice := expertUser(t, s, "Alice")
		named := report("named, consenting")
		named.Anonymous, named.IdentityName, named.IdentityContact, named.ConsentShareIdentity = false, "Nguyen Thi Lan", "+84 90 000 0000", true
		withConsent := mustFile(t, s, named)
		named.ConsentShareIdentity = false
		without := mustFile(t, s, named)
		for _, c := range []int64{withConsent.CaseID, without.CaseID} {
			if err := s.AssignExpert(ctx, c, alice, h); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ExpertIdentity(ctx, withConsent.CaseID, alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an undeclared expert saw the identity: %v", err)
		}
		for _, c := range []int64{withConsent.CaseID, without.CaseID} {
			if err := s.DeclareNoConflict(ctx, c, alice); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := s.ExpertCase(ctx, withConsent.CaseID, alice); v == nil || !v.Consent {
			t.Fatalf("expert view does not say the reporter consented: %+v", v)
		}
		id, err := s.ExpertIdentity(ctx, withConsent.CaseID, alice)
		if err != nil || id.Name != "Nguyen Thi Lan" || id.Contact != "+84 90 000 0000" {
			t.Fatalf("identity with consent = %+v, %v", id, err)
		}
		if _, err := s.ExpertIdentity(ctx, without.CaseID, alice); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("identity without consent: %v", err)
		}
		entries, _ := s.AuditEntries(ctx, withConsent.CaseID)
		if log := strings.Join(entries, "\n"); !strings.Contains(log, fmt.Sprintf("user:%d identity.show", alice)) {
			t.Fatalf("identity display not audited: %s", log)
		}
		entries, _ = s.AuditEntries(ctx, without.CaseID)
		if log := strings.Join(entries, "\n"); strings.Contains(log, "identity.show") {
			t.Fatalf("a refused display was audited: %s", log)
		}
	})
}

// A conflict found after declaring none ends the expert's access, in the store's one gate.
func TestConflictDeclaredAfterNoConflictEndsAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		f, ref := caseInInvestigation(t, s, h, report("The exits were chained"))
		alice := expertUser(t, s, "Alice")
		if err := s.AssignExpert(ctx, f.CaseID, alice, h); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareNoConflict(ctx, f.CaseID, alice); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExpertCase(ctx, f.CaseID, alice); err != nil {
			t.Fatalf("declared expert cannot read the case: %v", err)
		}
		if err := s.DeclareConflict(ctx, f.CaseID, alice, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExpertCase(ctx, f.CaseID, alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expert who declared a conflict after none still reads the case: %v", err)
		}
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref.ID, To: grievance.ReferralDialogue, Actor: store.Actor{Role: "expert", UserID: alice}}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expert who declared a conflict after none still moves the referral: %v", err)
		}
		if _, err := s.AddFinding(ctx, f.CaseID, ref.ID, alice, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expert who declared a conflict after none still adds findings: %v", err)
		}
		rows, err := s.ExpertCases(ctx, alice)
		if err != nil || len(rows) != 1 || rows[0].Open() || rows[0].ConflictAt.IsZero() {
			t.Fatalf("alice's cases after the conflict = %+v, %v", rows, err)
		}
	})
}
