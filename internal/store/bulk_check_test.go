package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// CheckHistories reports every refused case, not only the first, and writes nothing.
func TestCheckHistoriesReportsEveryRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Now().Add(-100 * 24 * time.Hour)
		good := store.HistoricCase{Report: importReport("ok", t0), Events: []store.HistoricEvent{ev(grievance.CaseAcknowledged, day(t0, 1), S, "")}}
		skipsScreening := store.HistoricCase{Report: importReport("bad", t0), Events: []store.HistoricEvent{ev(grievance.CaseAccepted, day(t0, 1), H, "")}}
		noCountry := good
		noCountry.Report.Country = ""
		cases := []store.HistoricCase{skipsScreening, good, good, noCountry, good}

		problems, err := s.CheckHistories(ctx, cases)
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) != 2 || problems[0].Index != 0 || problems[1].Index != 3 {
			t.Fatalf("problems %+v, want cases 0 and 3", problems)
		}
		var re *grievance.RuleError
		var fe grievance.FieldErrors
		if !errors.As(problems[0].Err, &re) || re.Code != "illegal_transition" {
			t.Errorf("case 0: %v", problems[0].Err)
		}
		if !errors.As(problems[1].Err, &fe) || fe["country"] != "required" {
			t.Errorf("case 3: %v", problems[1].Err)
		}
		if n := countRows(t, s, "cases"); n != 0 {
			t.Fatalf("checking wrote %d cases", n)
		}
		if problems, err := s.CheckHistories(ctx, []store.HistoricCase{good, good}); err != nil || len(problems) != 0 {
			t.Fatalf("good cases: %v %v", problems, err)
		}
	})
}

// Imported history may say that a report was not accepted, or a remedy agreed, without saying
// why or which ("unrecorded"); a handler's live move may not.
func TestUnrecordedCodesOnlyInImportedHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Now().Add(-100 * 24 * time.Hour)
		refused := store.HistoricCase{Report: importReport("old", t0), Events: []store.HistoricEvent{
			ev(grievance.CaseAcknowledged, day(t0, 1), H, ""),
			ev(grievance.CaseScreening, day(t0, 1), H, ""),
			ev(grievance.CaseNotAccepted, day(t0, 5), H, string(grievance.NotAcceptedUnrecorded)),
		}}
		agreed := store.HistoricCase{Report: importReport("old agreement", t0), Events: []store.HistoricEvent{
			ev(grievance.CaseAcknowledged, day(t0, 1), H, ""),
			ev(grievance.CaseScreening, day(t0, 1), H, ""),
			ev(grievance.CaseAccepted, day(t0, 2), H, ""),
		}, Referrals: []store.HistoricReferral{{CompanyIndex: 0, RemedyTypes: []grievance.RemedyType{grievance.RemedyUnrecorded}, Events: []store.HistoricReferralEvent{
			rev(grievance.ReferralResponded, day(t0, 3), H, ""),
			rev(grievance.ReferralDialogue, day(t0, 3), H, ""),
			rev(grievance.ReferralRemedyAgreed, day(t0, 9), H, ""),
		}}}}
		if _, err := s.ImportCases(ctx, []store.HistoricCase{refused, agreed}, importer, false); err != nil {
			t.Fatalf("imported history with unrecorded codes: %v", err)
		}
		var reason, remedies string
		s.DB().QueryRow(`SELECT not_accepted_reason FROM cases WHERE stage = 'not_accepted'`).Scan(&reason)
		s.DB().QueryRow(`SELECT remedy_types FROM referrals`).Scan(&remedies)
		if reason != "unrecorded" || remedies != "unrecorded" {
			t.Fatalf("stored reason %q, remedy types %q", reason, remedies)
		}

		h := store.Actor{Role: string(grievance.RoleHandler)}
		f, err := s.CreateCase(ctx, importReport("live", time.Now()), store.Actor{Role: string(grievance.RoleReporter)})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		err = s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseNotAccepted, Actor: h,
			NotAcceptedReason: grievance.NotAcceptedUnrecorded, ReferralText: "Please ask elsewhere."})
		var re *grievance.RuleError
		if !errors.As(err, &re) || re.Code != "invalid_code" {
			t.Fatalf("a live not-accepted move with %q: %v", grievance.NotAcceptedUnrecorded, err)
		}
	})
}
