package history_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/history"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var importer = store.Actor{Role: string(grievance.RoleSystem)}

const fixture = "testdata/console-fixture.csv"

func importFile(t *testing.T, s *store.Store, mapping, path string, opt history.Options) *history.Report {
	t.Helper()
	m, err := history.LoadMapping(mapping)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.Actor.Role == "" {
		opt.Actor = importer
	}
	rep, err := history.Import(context.Background(), s, m, f, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func lines(rows []history.Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Line
	}
	return out
}

func count(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(storetest.Rebind(s, query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// expected is what the rules promise for one fixture row (dates are Tokyo calendar days).
type expected struct {
	stage       grievance.CaseStage
	received    string
	closed      string // "" while open
	outcome     grievance.Outcome
	notAccepted grievance.NotAcceptedReason
	country     string
	categories  []grievance.Category
	history     string // case and referral moves in order, referral ones as "r:stage"
	reason      string // sealed reason of the last case move, when it matters
}

var fixtureRows = map[int]expected{
	2: {stage: "received", received: "2018-06-18", country: "ZZ", categories: []grievance.Category{"environment_health"}, history: "received"},
	3: {stage: "received", received: "2017-03-01", country: "PE", categories: []grievance.Category{"environment_health"}, history: "received"},
	4: {stage: "not_accepted", received: "2013-05-02", closed: "2013-05-20", notAccepted: "outside_mandate", country: "KG",
		categories: []grievance.Category{"land_livelihoods"}, history: "received acknowledged screening not_accepted",
		reason: "Outside of mandate, Forwarded to other body within bank"},
	5: {stage: "not_accepted", received: "1998-08-20", closed: "1998-10-15", notAccepted: "unrecorded", country: "PS",
		categories: []grievance.Category{"environment_health"}, history: "received acknowledged screening not_accepted", reason: "Unknown"},
	6: {stage: "withdrawn", received: "2011-02-03", closed: "2011-04-08", outcome: "withdrawn", country: "TR",
		categories: []grievance.Category{"environment_health"}, history: "received acknowledged screening withdrawn",
		reason: "Unknown, Complaint withdrawn"},
	7: {stage: "accepted", received: "2015-01-10", country: "BD", categories: []grievance.Category{"other", "harassment_violence"},
		history: "received acknowledged screening accepted r:forwarded r:responded r:dialogue"},
	8: {stage: "accepted", received: "2012-03-15", country: "CD", categories: []grievance.Category{"land_livelihoods", "harassment_violence"},
		history: "received acknowledged screening accepted r:forwarded r:responded r:dialogue r:remedy_agreed r:monitoring"},
	9: {stage: "closed", received: "2010-01-05", closed: "2010-09-30", outcome: "resolved", country: "MN",
		categories: []grievance.Category{"retaliation", "land_livelihoods"},
		history:    "received acknowledged screening accepted r:forwarded r:responded r:dialogue r:remedy_agreed r:monitoring r:concluded closed"},
	10: {stage: "closed", received: "2011-04-01", closed: "2012-07-31", outcome: "not_substantiated", country: "VN",
		categories: []grievance.Category{"other", "environment_health"},
		history:    "received acknowledged screening accepted r:forwarded r:responded r:investigation r:concluded closed"},
	11: {stage: "closed", received: "2007-07-01", closed: "2010-06-30", outcome: "resolved", country: "IN",
		categories: []grievance.Category{"indigenous_peoples", "other"},
		history:    "received acknowledged screening accepted r:forwarded r:responded r:investigation r:remedy_agreed r:monitoring r:concluded closed"},
	12: {stage: "closed", received: "2014-11-02", closed: "2014-12-01", outcome: "resolved", country: "XK",
		categories: []grievance.Category{"land_livelihoods"},
		history:    "received acknowledged screening accepted r:forwarded r:responded r:concluded closed"},
	13: {stage: "closed", received: "2016-06-06", closed: "2017-03-01", outcome: "not_resolved", country: "MX", categories: []grievance.Category{"other"},
		history: "received acknowledged screening accepted r:forwarded r:responded r:dialogue r:concluded closed"},
	16: {stage: "accepted", received: "2009-06-02", country: "LA", categories: []grievance.Category{"other"},
		history: "received acknowledged screening accepted r:forwarded r:responded r:dialogue"},
	19: {stage: "screening", received: "2016-10-10", country: "AL", categories: []grievance.Category{"environment_health"},
		history: "received acknowledged screening"},
	20: {stage: "closed", received: "2017-06-20", closed: "2017-06-20", outcome: "not_resolved", country: "ZZ",
		categories: []grievance.Category{"environment_health"},
		history:    "received acknowledged screening accepted r:forwarded r:responded r:concluded closed"},
}

// The fixture has invented rows in the Accountability Console's exact layout, one per branch of
// the rules, a narrative spread over several lines, a bad date and an unmapped issue.
func TestImportConsoleFixture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tokyo := s.Timeline().Zone
		day := func(at time.Time) string { return at.In(tokyo).Format(time.DateOnly) }

		dry := importFile(t, s, "accountability-console", fixture, history.Options{DryRun: true})
		if dry.Read != 17 || len(dry.Imported) != 15 || !slices.Equal(lines(dry.Rejected), []int{17, 18}) {
			t.Fatalf("dry run: read %d, would import %d, rejected %v", dry.Read, len(dry.Imported), lines(dry.Rejected))
		}
		if n := count(t, s, `SELECT COUNT(*) FROM cases`); n != 0 {
			t.Fatalf("the dry run wrote %d cases", n)
		}

		rep := importFile(t, s, "accountability-console", fixture, history.Options{Chunk: 4})
		if rep.Read != 17 || len(rep.Imported) != 15 || len(rep.Skipped) != 0 {
			t.Fatalf("read %d, imported %d, skipped %d", rep.Read, len(rep.Imported), len(rep.Skipped))
		}
		if got := lines(rep.Rejected); !slices.Equal(got, []int{17, 18}) {
			t.Fatalf("rejected lines %v, want 17 and 18 (the multi-line narrative above them counts its lines)", got)
		}
		if why := strings.Join(rep.Rejected[0].Why, "; "); !strings.Contains(why, `"Filing Date" is not a date`) {
			t.Errorf("line 17 rejected because %q", why)
		}
		if why := strings.Join(rep.Rejected[1].Why, "; "); !strings.Contains(why, `"Issues"`) || strings.Contains(why, "Space debris") {
			t.Errorf("line 18 rejected because %q (the reason names the column, never the value)", why)
		}
		if got := lines(rep.Adjusted); !slices.Equal(got, []int{2, 9, 12, 16, 19, 20}) {
			t.Errorf("adjusted lines %v", got)
		}

		refs := map[int]string{}
		for _, r := range rep.Imported {
			refs[r.Line] = r.Reference
		}
		for line, want := range fixtureRows {
			var id int64
			if err := s.DB().QueryRow(storetest.Rebind(s, `SELECT id FROM cases WHERE reference = ?`), refs[line]).Scan(&id); err != nil {
				t.Fatalf("line %d (%q): %v", line, refs[line], err)
			}
			c, err := s.DeskCase(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var hist []string
			for _, e := range c.History {
				if e.ReferralID != 0 {
					hist = append(hist, "r:"+e.To)
				} else {
					hist = append(hist, e.To)
				}
			}
			closed := ""
			if !c.ClosedAt.IsZero() {
				closed = day(c.ClosedAt)
			}
			switch {
			case c.Stage != want.stage, day(c.ReceivedAt) != want.received, closed != want.closed, c.Outcome != want.outcome,
				c.NotAcceptedReason != want.notAccepted, c.Country != want.country, !sameSet(c.Categories, want.categories),
				strings.Join(hist, " ") != want.history:
				t.Errorf("line %d: stage %s received %s closed %q outcome %q reason %q country %s categories %v\n history %s\n want %+v",
					line, c.Stage, day(c.ReceivedAt), closed, c.Outcome, c.NotAcceptedReason, c.Country, c.Categories, strings.Join(hist, " "), want)
			}
			if want.reason != "" {
				var last store.DeskEvent
				for _, e := range c.History {
					if e.ReferralID == 0 {
						last = e
					}
				}
				if last.Reason != want.reason {
					t.Errorf("line %d: the last move's reason is %q, want the source's why %q", line, last.Reason, want.reason)
				}
			}
			for _, e := range c.History {
				if e.At.In(tokyo).Hour() != 12 || e.ActorRole != string(grievance.RoleHandler) && e.To != "received" {
					t.Errorf("line %d: move to %s at %v by %s", line, e.To, e.At, e.ActorRole)
				}
			}
			if c.Channel != grievance.ChannelUnrecorded || c.Language != "en" || c.ReporterType != "" ||
				len(c.Companies) != 1 || c.Companies[0].MemberID != 0 || c.Companies[0].Relation != "business_partner" {
				t.Errorf("line %d: intake %s %s %q companies %+v", line, c.Channel, c.Language, c.ReporterType, c.Companies)
			}
			if !strings.HasPrefix(c.Description, "Complaint Name: ") || !strings.Contains(c.Description, "\nIAM: Fictional Review Mechanism\n") {
				t.Errorf("line %d: narrative %q", line, c.Description)
			}
			for _, r := range c.Referrals {
				agreed := strings.Contains(want.history, "remedy_agreed")
				if agreed != slices.Equal(r.RemedyTypes, []grievance.RemedyType{grievance.RemedyUnrecorded}) {
					t.Errorf("line %d: remedy types %v", line, r.RemedyTypes)
				}
			}
		}
		// Nothing of the row is lost: the multi-line narrative, quotes and commas included.
		var id int64
		s.DB().QueryRow(storetest.Rebind(s, `SELECT id FROM cases WHERE reference = ?`), refs[13]).Scan(&id)
		c, _ := s.DeskCase(ctx, id)
		for _, part := range []string{"Description: Villagers say \"the turbines\", built near the lagoon,\nblock the fishing path.\nThey ask for a new path.\n",
			"Sector: Energy, Extractives (oil, gas, mining)\n", "Dispute Resolution Status: closed_without_outcome\n",
			"If No CR, Why?: Complainant did not refile\n", "Project: Saltmarsh Wind Farm Project\n"} {
			if !strings.Contains(c.Description, part) {
				t.Errorf("the narrative lacks %q:\n%s", part, c.Description)
			}
		}
		if !strings.HasSuffix(c.Description, "\nDate Closed: 3/1/17") {
			t.Errorf("the narrative does not end with the last column: %q", c.Description)
		}
		if c.Companies[0].Name != "Saltmarsh Wind Farm Project" {
			t.Errorf("company %q", c.Companies[0].Name)
		}

		// A second run skips every imported row, naming its case, and rejects the same two.
		again := importFile(t, s, "accountability-console", fixture, history.Options{})
		if len(again.Imported) != 0 || len(again.Skipped) != 15 || !slices.Equal(lines(again.Rejected), []int{17, 18}) {
			t.Fatalf("second run: imported %d, skipped %d, rejected %v", len(again.Imported), len(again.Skipped), lines(again.Rejected))
		}
		for _, r := range again.Skipped {
			if r.Reference != refs[r.Line] {
				t.Errorf("line %d skipped as %s, imported as %s", r.Line, r.Reference, refs[r.Line])
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM cases`); n != 15 {
			t.Fatalf("%d cases after two runs", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM import_sources WHERE source = ?`, "accountability-console"); n != 15 {
			t.Fatalf("%d import_sources rows", n)
		}
		if v, err := s.VerifyAudit(ctx); err != nil || v.Break != nil {
			t.Fatalf("audit chain after the imports: %v %v", v.Break, err)
		}
	})
}

// The rejects file holds the rejected rows as read, with the reason in a last column, and imports
// as it is once corrected.
func TestRejectsFileReimports(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	rep := importFile(t, s, "accountability-console", fixture, history.Options{})
	var buf bytes.Buffer
	if err := rep.WriteRejects(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][len(rows[0])-1] != history.RejectsColumn || rows[1][0] != "Foxglove Textile Park" || rows[2][0] != "Juniper Solar Array" {
		t.Fatalf("rejects file:\n%s", buf.String())
	}
	rows[1][14] = "12/12/12"         // Filing Date
	rows[2][10] = "Pollution, Water" // Issues
	var fixed bytes.Buffer
	w := csv.NewWriter(&fixed)
	w.WriteAll(rows)
	path := t.TempDir() + "/fixed.csv"
	os.WriteFile(path, fixed.Bytes(), 0o600)
	again := importFile(t, s, "accountability-console", path, history.Options{})
	if len(again.Imported) != 2 || len(again.Rejected) != 0 {
		t.Fatalf("corrected rejects: imported %d, rejected %+v", len(again.Imported), again.Rejected)
	}
}

// A secretariat's own spreadsheet fits the same format: a received date, an acknowledged date, a
// decision with its date and reason, a closing date and an outcome, rows keyed by their number.
func TestSimpleSpreadsheetMapping(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	rep := importFile(t, s, "testdata/simple-mapping.json", "testdata/simple.csv", history.Options{})
	if len(rep.Imported) != 4 || len(rep.Rejected) != 1 || rep.Rejected[0].Key != "G-5" {
		t.Fatalf("imported %d, rejected %+v", len(rep.Imported), rep.Rejected)
	}
	ctx := context.Background()
	want := map[string]string{
		"G-1": "closed partially_resolved acknowledged=2023-04-05",
		"G-2": "not_accepted  acknowledged=2023-05-02",
		"G-3": "accepted  acknowledged=2023-06-02",
		"G-4": "screening  acknowledged=2023-07-03",
	}
	for _, r := range rep.Imported {
		var id int64
		s.DB().QueryRow(`SELECT id FROM cases WHERE reference = ?`, r.Reference).Scan(&id)
		c, err := s.DeskCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%s %s acknowledged=%s", c.Stage, c.Outcome, c.AcknowledgedAt.In(s.Timeline().Zone).Format(time.DateOnly))
		if got != want[r.Key] {
			t.Errorf("row %s: %s, want %s", r.Key, got, want[r.Key])
		}
		if r.Key == "G-2" && c.NotAcceptedReason != "not_human_rights" {
			t.Errorf("G-2 not accepted for %q", c.NotAcceptedReason)
		}
	}
	again := importFile(t, s, "testdata/simple-mapping.json", "testdata/simple.csv", history.Options{})
	if len(again.Skipped) != 4 || again.Skipped[0].Key != "G-1" {
		t.Fatalf("second run skipped %+v", again.Skipped)
	}
}

func sameSet[T ~string](a, b []T) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
