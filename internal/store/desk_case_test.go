package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestDeskCaseOpensEverythingButTheIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		marker := func(f string) string { return "desk-" + f }
		f := mustFile(t, s, sensitiveReport(marker))
		h := handler(t, s)
		c, err := s.DeskCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != f.Reference || c.Channel != grievance.ChannelWeb || c.ReporterType != "affected_person" || !c.Consent || !c.HasIdentity {
			t.Fatalf("clear fields: %+v", c)
		}
		for got, want := range map[string]string{
			c.Description: "desk-description", c.Site: "desk-site", c.WhenHappened: "desk-when_happened",
			c.RemedySought: "desk-remedy_sought", c.RaisedWhere: "desk-raised_elsewhere_where", c.Companies[0].Name: "desk-company_name",
			c.Attachments[0].Name: "desk-attachment_name.txt",
		} {
			if got != want {
				t.Errorf("opened %q, want %q", got, want)
			}
		}
		if strings.Contains(fmt.Sprintf("%+v", c), "desk-identity") {
			t.Fatal("the desk's case holds the identity; it must go through CaseIdentity")
		}
		if entries, _ := s.AuditEntries(ctx, f.CaseID); strings.Contains(strings.Join(entries, " "), "identity.show") {
			t.Fatal("loading the case was audited as an identity display")
		}
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseWithdrawn, Actor: h, Reason: "Called to withdraw"}); err != nil {
			t.Fatal(err)
		}
		c, _ = s.DeskCase(ctx, f.CaseID)
		last := c.History[len(c.History)-1]
		if last.To != "withdrawn" || last.Reason != "Called to withdraw" || last.ActorName != "Handler" || last.Code != "withdrawn" {
			t.Fatalf("history with reasons: %+v", last)
		}
	})
}

func TestCaseAttachmentIsAuditedForHandlersOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := mustFile(t, s, sensitiveReport(func(f string) string { return f }))
		h := handler(t, s)
		c, _ := s.DeskCase(ctx, f.CaseID)
		aid := c.Attachments[0].ID
		if _, _, err := s.CaseAttachment(ctx, f.CaseID, aid, store.Actor{Role: "admin", UserID: 1}); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("an admin downloaded a case file: %v", err)
		}
		other := mustFile(t, s, report("other"))
		if _, _, err := s.CaseAttachment(ctx, other.CaseID, aid, h); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a file through another case: %v", err)
		}
		a, data, err := s.CaseAttachment(ctx, f.CaseID, aid, h)
		if err != nil || string(data) != "attachment_content" || a.Name != "attachment_name.txt" {
			t.Fatalf("download = %+v %q %v", a, data, err)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		if n := strings.Count(strings.Join(entries, "\n"), fmt.Sprintf("user:%d attachment.download", h.UserID)); n != 1 {
			t.Fatalf("%d downloads audited, want 1: %v", n, entries)
		}
	})
}

func TestCloseCaseKeepsLessonsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		_, alphaID := memberUser(t, s, "Alpha")
		r := report("lessons")
		r.Companies = []grievance.CompanyRef{{MemberID: alphaID, Relation: "supplier"}}
		f := mustFile(t, s, r)
		if err := s.CloseCase(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"}, "too early"); err == nil {
			t.Fatal("a received case closed")
		}
		if c, _ := s.DeskCase(ctx, f.CaseID); c.Lessons != "" {
			t.Fatal("a refused closure kept its lessons")
		}
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h, Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "n"}}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		for _, to := range []grievance.ReferralStage{grievance.ReferralResponded, grievance.ReferralConcluded} {
			if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: refs[0].ID, To: to, Actor: h, Outcome: "resolved"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CloseCase(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"}, "Lesson MARKER-lessons-q7Zx\r\n"); err != nil {
			t.Fatal(err)
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		if c.Stage != grievance.CaseClosed || c.Lessons != "Lesson MARKER-lessons-q7Zx" {
			t.Fatalf("closed: %s, lessons %q", c.Stage, c.Lessons)
		}
		var sealed []byte
		if err := s.DB().QueryRowContext(ctx, storetest.Rebind(s, `SELECT lessons_sealed FROM cases WHERE id = ?`), f.CaseID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if len(sealed) == 0 || strings.Contains(string(sealed), "MARKER") {
			t.Fatal("the lessons are not sealed")
		}
	})
}
