package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestReporterSessionsExpire(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }})
			f := mustFile(t, s, report("x"))
			token, err := s.CreateReporterSession(ctx, f.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if id, err := s.ReporterSessionCase(ctx, token); err != nil || id != f.CaseID {
				t.Fatalf("fresh session: %d, %v", id, err)
			}
			if _, err := s.ReporterSessionCase(ctx, token+"x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("altered token: %v", err)
			}
			// Activity every 20 minutes keeps it alive until the absolute limit.
			for now.Add(20*time.Minute).Sub(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)) <= store.ReporterSessionMax {
				now = now.Add(20 * time.Minute)
				if _, err := s.ReporterSessionCase(ctx, token); err != nil {
					t.Fatalf("active session ended at %v: %v", now, err)
				}
			}
			now = now.Add(20 * time.Minute)
			if _, err := s.ReporterSessionCase(ctx, token); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("session outlived the absolute limit: %v", err)
			}
			idle, _ := s.CreateReporterSession(ctx, f.CaseID)
			now = now.Add(store.ReporterSessionIdle + time.Second)
			if _, err := s.ReporterSessionCase(ctx, idle); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("idle session still open: %v", err)
			}
			out, _ := s.CreateReporterSession(ctx, f.CaseID)
			s.DeleteReporterSession(ctx, out)
			if _, err := s.ReporterSessionCase(ctx, out); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("logged-out session still open: %v", err)
			}
		})
	}
}

func TestSatisfactionOnlyAfterClosing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := mustFile(t, s, report("x"))
		err := s.SetSatisfaction(ctx, f.CaseID, 4, "thanks", reporter)
		var re *grievance.RuleError
		if !errors.As(err, &re) || re.Code != "case_not_closed" {
			t.Fatalf("rating an open case: %v", err)
		}
		closeCase(t, s, f.CaseID)
		if err := s.SetSatisfaction(ctx, f.CaseID, 6, "", reporter); err == nil {
			t.Fatal("a rating of 6 was accepted")
		}
		if err := s.SetSatisfaction(ctx, f.CaseID, 4, "they listened", reporter); err != nil {
			t.Fatal(err)
		}
		c, _ := s.ReporterCase(ctx, f.CaseID)
		if c.Satisfaction != 4 || c.Stage != grievance.CaseClosed || c.Outcome != "resolved" {
			t.Fatalf("case = %+v", c)
		}
	})
}

func closeCase(t *testing.T, s *store.Store, caseID int64) {
	t.Helper()
	h := handler(t, s)
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	companies, _ := s.CaseCompanies(ctx, caseID)
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: grievance.CaseAccepted, Actor: h, Referrals: []store.NewReferral{{CompanyID: companies[0].ID}}}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.Referrals(ctx, caseID)
	for _, st := range []store.ReferralStageChange{{To: grievance.ReferralResponded}, {To: grievance.ReferralConcluded, Outcome: "resolved"}} {
		st.ReferralID, st.Actor = refs[0].ID, h
		if err := s.ChangeReferralStage(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"}); err != nil {
		t.Fatal(err)
	}
}

func TestMessageFilesAndShareableCopies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := report("with a photo")
		r.Attachments = []grievance.Attachment{{Name: "wall.jpg", ContentType: "image/jpeg", Data: []byte("original-with-gps"), Shareable: []byte("clean-copy")}}
		f := mustFile(t, s, r)
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "more evidence",
			Attachments: []grievance.Attachment{{Name: "payslip.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 payslip")}}}); err != nil {
			t.Fatal(err)
		}
		h := handler(t, s)
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadInternal, Author: h, Body: "note",
			Attachments: []grievance.Attachment{{Name: "internal.txt", ContentType: "text/plain", Data: []byte("internal")}}}); err != nil {
			t.Fatal(err)
		}
		c, err := s.ReporterCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Attachments) != 2 || c.Attachments[0].Name != "wall.jpg" || !c.Attachments[0].Shareable || c.Attachments[1].Name != "payslip.pdf" || c.Attachments[1].Shareable {
			t.Fatalf("reporter's files = %+v (an internal file must not be listed)", c.Attachments)
		}
		_, orig, err := s.AttachmentContent(ctx, f.CaseID, c.Attachments[0].ID, false)
		if err != nil || string(orig) != "original-with-gps" {
			t.Fatalf("original = %q, %v", orig, err)
		}
		_, copy, err := s.AttachmentContent(ctx, f.CaseID, c.Attachments[0].ID, true)
		if err != nil || string(copy) != "clean-copy" {
			t.Fatalf("shareable = %q, %v", copy, err)
		}
		if _, _, err := s.AttachmentContent(ctx, f.CaseID, c.Attachments[1].ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a file without a clean copy gave one: %v", err)
		}
		other := mustFile(t, s, report("other"))
		if _, _, err := s.AttachmentContent(ctx, other.CaseID, c.Attachments[0].ID, false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a file opened through another case: %v", err)
		}
	})
}
