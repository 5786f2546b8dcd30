package history_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/history"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// consoleFile finds the published Accountability Console file beside the project (../shared/data
// from the project's root); it is never copied into the repository.
func consoleFile(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range []string{"../..", "../../.."} { // the package's folder, then the project's root
		path := filepath.Join(dir, up, "shared", "data", "accountability-console-2018.csv")
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	t.Skip("accountability-console-2018.csv is not beside the project")
	return ""
}

// consoleFigures are counted straight from the CSV, without the mapping or the rules.
type consoleFigures struct {
	rows, closed, resolved, open, received, refused, notSubstantiated, notResolved, monitoring, unplaced int
	byFiscalYear                                                                                         map[int]int
}

func countConsole(t *testing.T, path string) consoleFigures {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range all[0] {
		col[h] = i
	}
	fig := consoleFigures{byFiscalYear: map[int]int{}}
	for _, row := range all[1:] {
		get := func(name string) string { return strings.TrimSpace(row[col[name]]) }
		undertaken := func(phase string) bool {
			switch get(phase + " Status") {
			case "not_undertaken":
				return false
			case "":
				return get(phase+" Start") != "" || get(phase+" End") != ""
			}
			return true
		}
		fig.rows++
		// Filing Date is M/D/YY; 94–99 are the 1990s; a row without one is dated 2018-06-18.
		fy := 2018
		if d := get("Filing Date"); d != "" {
			parts := strings.Split(d, "/")
			month, _ := strconv.Atoi(parts[0])
			yy, _ := strconv.Atoi(parts[2])
			year := 2000 + yy
			if yy >= 94 {
				year = 1900 + yy
			}
			fy = year
			if month < 4 {
				fy--
			}
		}
		fig.byFiscalYear[fy]++

		status := get("Status")
		later := undertaken("Dispute Resolution") || undertaken("Compliance Review") || undertaken("Monitoring")
		lastScreening := ""
		for _, ph := range []string{"Registration", "Eligibility"} {
			if undertaken(ph) {
				lastScreening = get(ph + " Status")
			}
		}
		switch {
		case strings.HasPrefix(status, "Closed"):
			fig.closed++
		case status == "Active" || status == "Monitoring" || status == "Pre-Filed":
			fig.open++
		}
		if status == "Pre-Filed" || (status == "Active" || status == "Monitoring") && !later && lastScreening == "" {
			fig.received++
		}
		if strings.HasPrefix(status, "Closed With Results") {
			fig.resolved++
		}
		refused := status == "Closed Without Results" && !later && lastScreening == "closed_without_outcome"
		if refused {
			fig.refused++
		}
		switch {
		case status != "Closed Without Results" || refused:
		case get("Compliance Review Status") == "closed_with_outcome" && get("Non-Compliance Found") == "FALSE":
			fig.notSubstantiated++
		default:
			fig.notResolved++
		}
		// Referrals that reach monitoring: every Monitoring phase, and every agreement closed
		// without one (the rules pass monitoring on the way to the close).
		if undertaken("Monitoring") || get("Dispute Resolution Status") == "closed_with_outcome" && strings.HasPrefix(status, "Closed") {
			fig.monitoring++
		}
		switch first, _, _ := strings.Cut(get("Country"), ","); first {
		case "", "Unknown", "Regional", "World", "MENA region", "Middle East", "Southeast Asia", "South Asia":
			fig.unplaced++
		}
	}
	return fig
}

// Every row of the real file imports, and the figures read back with plain SQL equal those
// counted from the file.
func TestImportRealConsoleFile(t *testing.T) {
	path := consoleFile(t)
	want := countConsole(t, path)
	if want.rows != 815 {
		t.Fatalf("the file has %d rows, the data README says 815", want.rows)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		start := time.Now()
		rep := importFile(t, s, "accountability-console", path, history.Options{})
		t.Logf("%s: 815 rows imported in %s (%d adjusted)", s.Dialect(), time.Since(start).Round(time.Millisecond), len(rep.Adjusted))
		if rep.Read != 815 || len(rep.Imported) != 815 || len(rep.Rejected) != 0 {
			t.Fatalf("read %d, imported %d, rejected %+v", rep.Read, len(rep.Imported), rep.Rejected)
		}
		for _, a := range rep.Adjusted {
			if len(a.Why) == 0 {
				t.Fatalf("line %d adjusted without saying why", a.Line)
			}
		}

		byFY := map[int]int{}
		rows, err := s.DB().Query(`SELECT received_at FROM cases`)
		if err != nil {
			t.Fatal(err)
		}
		tl := s.Timeline()
		for rows.Next() {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				t.Fatal(err)
			}
			byFY[tl.FiscalYear(at)]++
		}
		rows.Close()
		if !mapsEqual(byFY, want.byFiscalYear) {
			t.Errorf("cases per fiscal year received:\n got %v\nwant %v", byFY, want.byFiscalYear)
		}

		for _, c := range []struct {
			name  string
			query string
			want  int
		}{
			{"cases", `SELECT COUNT(*) FROM cases`, want.rows},
			{"closed statuses: final cases", `SELECT COUNT(*) FROM cases WHERE stage IN ('closed', 'not_accepted', 'withdrawn') AND closed_at IS NOT NULL`, want.closed},
			{"open and pre-filed statuses: open cases", `SELECT COUNT(*) FROM cases WHERE stage NOT IN ('closed', 'not_accepted', 'withdrawn')`, want.open},
			{"not taken up", `SELECT COUNT(*) FROM cases WHERE stage = 'received'`, want.received},
			{"refused at registration or eligibility", `SELECT COUNT(*) FROM cases WHERE stage IN ('not_accepted', 'withdrawn')`, want.refused},
			{"closed with results", `SELECT COUNT(*) FROM cases WHERE stage = 'closed' AND outcome = 'resolved'`, want.resolved},
			{"closed without results after a review finding nothing", `SELECT COUNT(*) FROM cases WHERE outcome = 'not_substantiated'`, want.notSubstantiated},
			{"closed without results otherwise", `SELECT COUNT(*) FROM cases WHERE stage = 'closed' AND outcome = 'not_resolved'`, want.notResolved},
			{"referrals concluded with their case", `SELECT COUNT(*) FROM referrals r JOIN cases c ON c.id = r.case_id
				WHERE r.stage = 'concluded' AND r.outcome = c.outcome AND r.concluded_at = c.closed_at`, want.resolved + want.notSubstantiated + want.notResolved},
			{"referrals that reached monitoring", `SELECT COUNT(DISTINCT referral_id) FROM stage_events WHERE to_stage = 'monitoring'`, want.monitoring},
			{"no single country", `SELECT COUNT(*) FROM cases WHERE country = 'ZZ'`, want.unplaced},
			{"rows remembered", `SELECT COUNT(*) FROM import_sources WHERE source = 'accountability-console'`, want.rows},
		} {
			if got := count(t, s, c.query); got != c.want {
				t.Errorf("%s: %d in the database, %d in the file", c.name, got, c.want)
			}
		}
		logStages(t, s)
		checkStatistics(t, s, want)

		again := importFile(t, s, "accountability-console", path, history.Options{})
		if len(again.Skipped) != 815 || len(again.Imported) != 0 || len(again.Rejected) != 0 {
			t.Fatalf("second run: skipped %d, imported %d, rejected %d", len(again.Skipped), len(again.Imported), len(again.Rejected))
		}
	})
}

// logStages shows the imported cases by stage and outcome (go test -v), for the docs.
func logStages(t *testing.T, s *store.Store) {
	rows, err := s.DB().Query(`SELECT stage, outcome, not_accepted_reason, COUNT(*) FROM cases GROUP BY stage, outcome, not_accepted_reason ORDER BY stage, outcome, not_accepted_reason`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var stage, outcome, reason string
		var n int
		rows.Scan(&stage, &outcome, &reason, &n)
		lines = append(lines, strings.TrimRight(strings.Join([]string{stage, outcome, reason}, " "), " ")+": "+strconv.Itoa(n))
	}
	rs, err := s.DB().Query(`SELECT stage, COUNT(*) FROM referrals GROUP BY stage ORDER BY stage`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var stage string
		var n int
		rs.Scan(&stage, &n)
		lines = append(lines, "referral "+stage+": "+strconv.Itoa(n))
	}
	t.Logf("cases by stage, outcome and reason:\n%s", strings.Join(lines, "\n"))
}

func mapsEqual(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]int, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// checkStatistics compares the platform's statistics (what /statistics and the API publish) with
// the figures counted from the file.
func checkStatistics(t *testing.T, s *store.Store, want consoleFigures) {
	t.Helper()
	if drift, err := s.CheckFigures(context.Background()); err != nil || len(drift) > 0 {
		t.Fatalf("running figures differ from a recount: %v %v", drift, err)
	}
	var resolved, notResolved, refused int
	for fy, n := range want.byFiscalYear {
		f, err := s.FiscalYearFigures(context.Background(), fy)
		if err != nil {
			t.Fatal(err)
		}
		if f.Received != n {
			t.Errorf("statistics FY%d: %d received, %d filed that year in the file", fy, f.Received, n)
		}
	}
	trend, err := s.Trend(context.Background(), s.Now())
	if err != nil {
		t.Fatal(err)
	}
	ended, received := 0, 0
	for _, y := range trend {
		ended += y.Ended
		received += y.Received
		f, err := s.FiscalYearFigures(context.Background(), y.FiscalYear)
		if err != nil {
			t.Fatal(err)
		}
		resolved += f.CaseOutcomes["resolved"]
		notResolved += f.CaseOutcomes["not_resolved"] + f.CaseOutcomes["not_substantiated"]
		refused += f.Entered["not_accepted"] + f.Entered["withdrawn"]
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"received across the years", received, want.rows},
		{"ended across the years (every Closed status)", ended, want.closed},
		{"closed resolved (Closed With Results…)", resolved, want.resolved},
		{"closed without results", notResolved, want.notResolved + want.notSubstantiated},
		{"not taken up or withdrawn", refused, want.refused},
	} {
		if c.got != c.want {
			t.Errorf("statistics: %s = %d, the file says %d", c.name, c.got, c.want)
		}
	}
}
