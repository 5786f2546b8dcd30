package store_test

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// The demo fills a store through every write path that counts figures: imported history,
// reports filed live, screening, referrals and their moves, closing.
func TestRunningFiguresEqualARecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := demo.Fill(ctx, s); err != nil {
			t.Fatal(err)
		}
		drift, err := s.CheckFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(drift) > 0 {
			t.Fatalf("running figures differ from a recount:\n%v", drift)
		}
		// A planted difference must be found, or the check above proves nothing.
		if _, err := s.DB().ExecContext(ctx, `UPDATE figures SET n = n + 1 WHERE measure = 'channel'`); err != nil {
			t.Fatal(err)
		}
		if drift, _ := s.CheckFigures(ctx); len(drift) == 0 {
			t.Fatal("CheckFigures missed a planted difference")
		}
	})
}

func TestFiscalYearFiguresEqualDirectCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := demo.Fill(ctx, s); err != nil {
			t.Fatal(err)
		}
		tl := s.Timeline()
		fy := tl.FiscalYear(s.Now())
		for _, year := range []int{fy - 1, fy} {
			f, err := s.FiscalYearFigures(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			from, to := tl.FiscalYearSpan(year)
			count := func(query string) int {
				t.Helper()
				var n int
				if err := s.DB().QueryRowContext(ctx, storetest.Rebind(s, query), from.UTC(), to.UTC()).Scan(&n); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				return n
			}
			sum := func(t store.Tally) int {
				n := 0
				for _, v := range t {
					n += v
				}
				return n
			}
			checks := []struct {
				name      string
				got, want int
			}{
				{"received", f.Received, count(`SELECT COUNT(*) FROM cases WHERE public AND received_at >= ? AND received_at < ?`)},
				{"by stage", sum(f.ByStage), f.Received},
				{"by country", sum(f.ByCountry), f.Received},
				{"wages category", f.ByCategory["wages_benefits"], count(`SELECT COUNT(*) FROM cases c JOIN case_categories k ON k.case_id = c.id
					WHERE c.public AND k.category = 'wages_benefits' AND c.received_at >= ? AND c.received_at < ?`)},
				{"accepted now", f.ByStage["accepted"], count(`SELECT COUNT(*) FROM cases WHERE public AND stage = 'accepted' AND received_at >= ? AND received_at < ?`)},
				{"referrals", f.Referrals, count(`SELECT COUNT(*) FROM referrals WHERE forwarded_at >= ? AND forwarded_at < ?`)},
				{"non-member referrals", f.ByMember[0], count(`SELECT COUNT(*) FROM referrals WHERE member_id IS NULL AND forwarded_at >= ? AND forwarded_at < ?`)},
				{"acknowledgements", f.Acknowledged.InTime + f.Acknowledged.Late, count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id
					WHERE c.public AND from_stage = 'received' AND to_stage = 'acknowledged' AND overdue IS NOT NULL AND at >= ? AND at < ?`)},
				{"late acknowledgements", f.Acknowledged.Late, count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id
					WHERE c.public AND from_stage = 'received' AND to_stage = 'acknowledged' AND overdue AND at >= ? AND at < ?`)},
				{"company answers", f.CompanyAnswered.InTime + f.CompanyAnswered.Late, count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id
					WHERE c.public AND from_stage = 'forwarded' AND to_stage = 'responded' AND overdue IS NOT NULL AND at >= ? AND at < ?`)},
				{"concluded resolved", f.Outcomes["resolved"], count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id
					WHERE c.public AND to_stage = 'concluded' AND code = 'resolved' AND at >= ? AND at < ?`)},
				{"entered screening", f.Entered["screening"], count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id WHERE c.public AND to_stage = 'screening' AND at >= ? AND at < ?`)},
				{"days in screening counted", sumDays(f.StageDays["screening"]), count(`SELECT COUNT(*) FROM stage_events JOIN cases c ON c.id = stage_events.case_id
					WHERE c.public AND from_stage = 'screening' AND at >= ? AND at < ?`)},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("FY%d %s = %d, direct count %d", year, c.name, c.got, c.want)
				}
			}
			if year == fy && (f.Received == 0 || f.Referrals == 0 || f.Acknowledged.InTime+f.Acknowledged.Late == 0) {
				t.Errorf("FY%d: the demo should give figures to compare, got %+v", year, f)
			}
		}
	})
}

func sumDays(h store.DayCounts) int {
	n := 0
	for _, v := range h {
		n += v
	}
	return n
}
