package store_test

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// publicCounts is every count the public statistics, trend and register show for a year, added
// up: how far a flood moved them.
func publicCounts(t testing.TB, s *store.Store) int {
	t.Helper()
	tl := s.Timeline()
	fy := tl.FiscalYear(s.Now())
	f, err := s.FiscalYearFigures(ctx, fy)
	if err != nil {
		t.Fatal(err)
	}
	n := f.Received + f.Referrals + f.Acknowledged.InTime + f.Acknowledged.Late + f.ScreeningDecided.InTime + f.ScreeningDecided.Late
	for _, tally := range []store.Tally{f.ByStage, f.ByCategory, f.ByCountry, f.ByChannel, f.ByLanguage, f.ByReporterType, f.Entered, f.NotAcceptedReasons, f.CaseOutcomes} {
		for _, v := range tally {
			n += v
		}
	}
	trend, err := s.Trend(ctx, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range trend {
		n += y.Received + y.Forwarded + y.Ended
	}
	from, to := tl.FiscalYearSpan(fy)
	reg, err := s.RegisterCases(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return n + len(reg)
}

// TestJunkFloodMovesNoPublicFigure: filings not yet screened, and filings declined as abusive
// or duplicate (in bulk, one audit entry per move), move no public count; a case declined for
// another reason counts, and the running figures always equal a recount.
func TestJunkFloodMovesNoPublicFigure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := store.Actor{Role: string(grievance.RoleHandler), UserID: 0}
		var junk []int64
		for range 40 {
			r := report("junk")
			r.Categories = []grievance.Category{"forced_labour"}
			junk = append(junk, mustFile(t, s, r).CaseID)
		}
		if n := publicCounts(t, s); n != 0 {
			t.Fatalf("40 unscreened filings moved the public figures by %d, want 0", n)
		}
		declined, skipped, err := s.DeclineCases(ctx, junk[:30], "abusive", "Not accepted.", h)
		if err != nil || declined != 30 || skipped != 0 {
			t.Fatalf("bulk decline: %d declined, %d skipped, %v", declined, skipped, err)
		}
		if declined, _, err := s.DeclineCases(ctx, junk[30:], "duplicate", "Already filed.", h); err != nil || declined != 10 {
			t.Fatalf("bulk duplicate: %d, %v", declined, err)
		}
		if n := publicCounts(t, s); n != 0 {
			t.Fatalf("40 filings declined as abusive or duplicate moved the public figures by %d, want 0", n)
		}
		var moves int
		s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.stage'`).Scan(&moves)
		if moves != 40*3 {
			t.Fatalf("%d audited moves, want 3 per case (acknowledged, screening, not accepted)", moves)
		}
		if _, skipped, _ := s.DeclineCases(ctx, junk[:1], "abusive", "again", h); skipped != 1 {
			t.Fatal("a case already decided was declined again")
		}
		if _, _, err := s.DeclineCases(ctx, junk[:1], "outside_mandate", "x", h); err == nil {
			t.Fatal("bulk decline took a reason other than abusive or duplicate")
		}
		if _, _, err := s.DeclineCases(ctx, junk[:1], "abusive", "x", reporter); err == nil {
			t.Fatal("a reporter declined cases")
		}

		honest := mustFile(t, s, report("real")).CaseID
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: honest, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if n := publicCounts(t, s); n != 0 {
			t.Fatalf("a case in screening counts %d, want 0", n)
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: honest, To: grievance.CaseNotAccepted, Actor: h,
			NotAcceptedReason: "outside_mandate", ReferralText: "Please ask the labour office."}); err != nil {
			t.Fatal(err)
		}
		f, _ := s.FiscalYearFigures(ctx, s.Timeline().FiscalYear(s.Now()))
		if f.Received != 1 || f.ByCategory["wages_benefits"] != 1 || f.Entered["acknowledged"] != 1 || f.NotAcceptedReasons["outside_mandate"] != 1 || f.ByStage["not_accepted"] != 1 {
			t.Fatalf("a screened case's figures: %+v", f)
		}
		if drift, err := s.CheckFigures(ctx); err != nil || len(drift) > 0 {
			t.Fatalf("figures differ from a recount: %v %v", drift, err)
		}
	})
}

// BenchmarkJunkFlood files 2,000 junk reports (forced labour) and reports how many public counts
// moved (before this change: 2,000 received and "forced labour: 2,000" at once).
func BenchmarkJunkFlood(b *testing.B) {
	for range b.N {
		s := storetest.Open(b, store.SQLite, storetest.Options{})
		for range 2000 {
			r := report("junk")
			r.Categories = []grievance.Category{"forced_labour"}
			if _, err := s.CreateCase(ctx, r, reporter); err != nil {
				b.Fatal(err)
			}
		}
		f, _ := s.FiscalYearFigures(ctx, s.Timeline().FiscalYear(s.Now()))
		b.ReportMetric(float64(publicCounts(b, s)), "public-counts-moved")
		b.ReportMetric(float64(f.ByCategory["forced_labour"]), "forced-labour")
	}
}
