package store_test

import (
	"errors"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestAcceptCaseAddsMembersAndSharesOnlyTheReportersFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		_, alphaID := memberUser(t, s, "Alpha")
		_, betaID := memberUser(t, s, "Beta")
		r := report("accept")
		r.Companies = []grievance.CompanyRef{{MemberID: alphaID, Relation: "supplier"}}
		r.Attachments = []grievance.Attachment{
			{Name: "notes.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("notes"), Shareable: []byte("notes")},
			{Name: "photo.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff raw photo")},       // no clean copy
			{Name: "payslip.pdf", ContentType: "application/pdf", Data: []byte("%PDF /Author (Nguyen)")}, // a type never cleaned
		}
		f := mustFile(t, s, r)
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		note, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadInternal, Author: h, Body: "note",
			Attachments: []grievance.Attachment{{Name: "internal.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("internal")}}})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		files := map[string]int64{}
		for _, a := range c.Attachments {
			files[a.Name] = a.ID
		}
		if c.ReporterFile(store.AttachmentInfo{MessageID: note}) {
			t.Fatal("an internal note's file counts as the reporter's")
		}
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		accept := func(files ...int64) error {
			return s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h, Referrals: []store.AcceptedReferral{
				{CompanyID: companies[0].ID, SharedNarrative: "for alpha", Files: files},
				{MemberID: betaID, Relation: "supplier", SharedNarrative: "for beta"},
			}})
		}
		for _, bad := range []int64{files["photo.jpg"], files["internal.txt"], files["payslip.pdf"]} {
			if err := accept(bad); !errors.Is(err, store.ErrFileNotShareable) {
				t.Fatalf("shared file %d: %v", bad, err)
			}
		}
		if cs, _ := s.CaseCompanies(ctx, f.CaseID); len(cs) != 1 {
			t.Fatal("a refused acceptance added a company")
		}
		if err := accept(files["notes.txt"]); err != nil {
			t.Fatal(err)
		}
		c, _ = s.DeskCase(ctx, f.CaseID)
		if c.Stage != grievance.CaseAccepted || len(c.Referrals) != 2 || len(c.Companies) != 2 {
			t.Fatalf("accepted: %s, %d referrals, %d companies", c.Stage, len(c.Referrals), len(c.Companies))
		}
		if c.Referrals[1].MemberID != betaID || c.Companies[1].Relation != "supplier" || c.Referrals[1].SharedNarrative != "for beta" {
			t.Fatalf("added member's referral: %+v / %+v", c.Referrals[1], c.Companies[1])
		}
		if got := c.Referrals[0].SharedFiles; len(got) != 1 || got[0] != files["notes.txt"] {
			t.Fatalf("shared files %v", got)
		}
		if id, err := s.AddCaseCompany(ctx, f.CaseID, grievance.CompanyRef{MemberID: betaID}, h); err != nil || id != c.Companies[1].ID {
			t.Fatalf("adding a member the case names already: %d, %v", id, err)
		}
	})
}
