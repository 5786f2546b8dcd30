package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var importer = store.Actor{Role: "system"}

func importReport(description string, at time.Time, companies ...grievance.CompanyRef) grievance.Report {
	if len(companies) == 0 {
		companies = []grievance.CompanyRef{{Name: "Workshop"}}
	}
	r := grievance.Report{
		ReceivedAt: at, Channel: grievance.ChannelWeb, Language: "vi", Country: "VN", Description: description,
		Companies: companies, Categories: []grievance.Category{"wages_benefits", "working_hours"}, Anonymous: true,
	}
	r.Normalize()
	return r
}

func day(t0 time.Time, d float64) time.Time {
	return t0.Add(time.Duration(d * 24 * float64(time.Hour)))
}

func ev(to grievance.CaseStage, at time.Time, role grievance.Role, code string) store.HistoricEvent {
	return store.HistoricEvent{To: to, At: at, Role: role, Code: code}
}

func rev(to grievance.ReferralStage, at time.Time, role grievance.Role, outcome grievance.Outcome) store.HistoricReferralEvent {
	return store.HistoricReferralEvent{To: to, At: at, Role: role, Outcome: outcome}
}

const (
	H = grievance.RoleHandler
	S = grievance.RoleSystem
	M = grievance.RoleMember
	R = grievance.RoleReporter
)

func stagesOf(h []store.StageChange) string {
	var out []string
	for _, c := range h {
		out = append(out, c.To)
	}
	return strings.Join(out, ",")
}

func countRows(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportedCasesOpenWithTheirReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mid, err := s.CreateMember(ctx, store.Member{NameEN: "Import Alpha", Sector: "apparel"}, importer)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now().Add(-400 * 24 * time.Hour).Truncate(time.Second)
		notAccepted := store.HistoricCase{Report: importReport("không liên quan", t0), Events: []store.HistoricEvent{
			ev(grievance.CaseAcknowledged, day(t0, 1), S, ""),
			ev(grievance.CaseScreening, day(t0, 3), H, ""),
			ev(grievance.CaseNotAccepted, day(t0, 20), H, "no_link_to_member"),
		}}
		full := store.HistoricCase{
			Report: importReport("Chúng tôi không được trả lương làm thêm giờ.", day(t0, 2),
				grievance.CompanyRef{MemberID: mid, Relation: "supplier"}, grievance.CompanyRef{Name: "Non-member Co."}),
			Events: []store.HistoricEvent{
				ev(grievance.CaseAcknowledged, day(t0, 3), S, ""),
				ev(grievance.CaseScreening, day(t0, 5), H, ""),
				{To: grievance.CaseAwaitingInformation, At: day(t0, 6), Role: H, Reason: "Which factory building?"},
				ev(grievance.CaseScreening, day(t0, 9), R, ""),
				ev(grievance.CaseAccepted, day(t0, 25), H, ""),
				ev(grievance.CaseClosed, day(t0, 200), H, "partially_resolved"),
			},
			Referrals: []store.HistoricReferral{
				{CompanyIndex: 0, RemedyTypes: []grievance.RemedyType{"financial_compensation", "non_repetition"}, Events: []store.HistoricReferralEvent{
					rev(grievance.ReferralResponded, day(t0, 50), M, ""),
					rev(grievance.ReferralDialogue, day(t0, 60), H, ""),
					rev(grievance.ReferralRemedyAgreed, day(t0, 90), M, ""),
					rev(grievance.ReferralMonitoring, day(t0, 100), M, ""),
					rev(grievance.ReferralConcluded, day(t0, 200), H, "resolved"), // same instant as the closing
				}},
				{CompanyIndex: 1, Events: []store.HistoricReferralEvent{
					rev(grievance.ReferralResponded, day(t0, 70), H, ""),
					rev(grievance.ReferralConcluded, day(t0, 120), H, "not_substantiated"),
				}},
			},
			Messages: []store.HistoricMessage{
				{Thread: store.ThreadReporter, AuthorRole: H, Body: "Which factory building?", At: day(t0, 6)},
				{Thread: store.ThreadReporter, AuthorRole: R, Body: "Tòa nhà 2", At: day(t0, 9)},
				{Thread: store.ThreadInternal, AuthorRole: H, Body: "internal note", At: day(t0, 10)},
			},
		}
		recent := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
		accepted := store.HistoricCase{
			Report: importReport("còn đang xử lý", recent.Add(-40*24*time.Hour), grievance.CompanyRef{MemberID: mid}),
			Events: []store.HistoricEvent{
				ev(grievance.CaseAcknowledged, recent.Add(-39*24*time.Hour), H, ""),
				ev(grievance.CaseScreening, recent.Add(-38*24*time.Hour), H, ""),
				ev(grievance.CaseAccepted, recent.Add(-10*24*time.Hour), H, ""),
			},
			Referrals: []store.HistoricReferral{{CompanyIndex: 0}},
			Messages:  []store.HistoricMessage{{Thread: store.ThreadReporter, AuthorRole: H, Body: "news", At: recent}},
		}
		justIn := store.HistoricCase{Report: importReport("mới", recent)}
		withdrawn := store.HistoricCase{Report: importReport("rút lại", day(t0, 4)), Events: []store.HistoricEvent{
			ev(grievance.CaseAcknowledged, day(t0, 4.5), S, ""),
			ev(grievance.CaseWithdrawn, day(t0, 8), R, ""),
		}}
		before, _ := s.VerifyAudit(ctx)
		filed, err := s.ImportCases(ctx, []store.HistoricCase{notAccepted, full, accepted, justIn, withdrawn}, importer, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(filed) != 5 {
			t.Fatalf("filed %d cases", len(filed))
		}
		want := []struct {
			stage   grievance.CaseStage
			history string
		}{
			{grievance.CaseNotAccepted, "received,acknowledged,screening,not_accepted"},
			{grievance.CaseClosed, "received,acknowledged,screening,awaiting_information,screening,accepted,closed"},
			{grievance.CaseAccepted, "received,acknowledged,screening,accepted"},
			{grievance.CaseReceived, "received"},
			{grievance.CaseWithdrawn, "received,acknowledged,withdrawn"},
		}
		tl := s.Timeline()
		for i, f := range filed {
			if len(f.Receipt) != seal.ReceiptDigits {
				t.Fatalf("case %d: receipt %q", i, f.Receipt)
			}
			id, err := s.CaseIDByReceipt(ctx, f.Receipt)
			if err != nil || id != f.CaseID {
				t.Fatalf("case %d: receipt opened %d, %v; want %d", i, id, err, f.CaseID)
			}
			c, err := s.ReporterCase(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			hc := []store.HistoricCase{notAccepted, full, accepted, justIn, withdrawn}[i]
			if c.Stage != want[i].stage || c.Description != hc.Report.Description || c.Reference != f.Reference {
				t.Fatalf("case %d: %+v", i, c)
			}
			if got := stagesOf(c.History); got != want[i].history {
				t.Fatalf("case %d: history %s, want %s", i, got, want[i].history)
			}
			if !c.History[0].At.Equal(hc.Report.ReceivedAt) || (len(hc.Events) > 0 && !c.History[len(c.History)-1].At.Equal(hc.Events[len(hc.Events)-1].At)) {
				t.Fatalf("case %d: history times %+v", i, c.History)
			}
		}
		// Deadlines follow the last stage: none once final, the reporter-update clock while accepted.
		for _, i := range []int{0, 1, 4} {
			if c, _ := s.ReporterCase(ctx, filed[i].CaseID); !c.DueAt.IsZero() {
				t.Fatalf("final case %d has a deadline %v", i, c.DueAt)
			}
		}
		if c, _ := s.ReporterCase(ctx, filed[2].CaseID); !c.DueAt.Equal(tl.DueAt(recent, tl.ReporterUpdateDays)) {
			t.Fatalf("accepted case due %v, want %v", c.DueAt, tl.DueAt(recent, tl.ReporterUpdateDays))
		}
		if c, _ := s.ReporterCase(ctx, filed[3].CaseID); !c.DueAt.Equal(tl.DueAt(recent, tl.AcknowledgeDays)) {
			t.Fatalf("new case due %v", c.DueAt)
		}
		rc, _ := s.ReporterCase(ctx, filed[1].CaseID)
		if len(rc.Messages) != 2 || rc.Messages[0].Body != "Which factory building?" || rc.Messages[1].Body != "Tòa nhà 2" || rc.Messages[1].AuthorRole != "reporter" {
			t.Fatalf("reporter messages %+v", rc.Messages)
		}

		refs, err := s.Referrals(ctx, filed[1].CaseID)
		if err != nil || len(refs) != 2 {
			t.Fatalf("referrals %+v, %v", refs, err)
		}
		companies, _ := s.CaseCompanies(ctx, filed[1].CaseID)
		if len(companies) != 2 || companies[1].Name != "Non-member Co." || companies[0].MemberID != mid {
			t.Fatalf("companies %+v", companies)
		}
		a, b := refs[0], refs[1]
		if a.MemberID != mid || a.CompanyID != companies[0].ID || a.Stage != grievance.ReferralConcluded || a.Outcome != "resolved" ||
			len(a.RemedyTypes) != 2 || a.RemedyTypes[1] != "non_repetition" || !a.ForwardedAt.Equal(day(t0, 25)) || !a.DueAt.IsZero() {
			t.Fatalf("referral a = %+v", a)
		}
		if b.MemberID != 0 || b.CompanyID != companies[1].ID || b.Stage != grievance.ReferralConcluded || b.Outcome != "not_substantiated" {
			t.Fatalf("referral b = %+v", b)
		}
		open, _ := s.Referrals(ctx, filed[2].CaseID)
		if len(open) != 1 || open[0].Stage != grievance.ReferralForwarded || !open[0].DueAt.Equal(tl.DueAt(recent.Add(-10*24*time.Hour), tl.CompanyResponseDays)) {
			t.Fatalf("open referral %+v", open)
		}

		var outcome, reason string
		var closed, ack time.Time
		if err := s.DB().QueryRow(storetest.Rebind(s, `SELECT outcome, not_accepted_reason FROM cases WHERE id = ?`), filed[0].CaseID).Scan(&outcome, &reason); err != nil || reason != "no_link_to_member" || outcome != "" {
			t.Fatalf("not accepted: %q %q %v", outcome, reason, err)
		}
		if err := s.DB().QueryRow(storetest.Rebind(s, `SELECT outcome, closed_at, acknowledged_at FROM cases WHERE id = ?`), filed[1].CaseID).Scan(&outcome, &closed, &ack); err != nil ||
			outcome != "partially_resolved" || !closed.Equal(day(t0, 200)) || !ack.Equal(day(t0, 3)) {
			t.Fatalf("closed: %q %v %v %v", outcome, closed, ack, err)
		}
		if err := s.DB().QueryRow(storetest.Rebind(s, `SELECT outcome FROM cases WHERE id = ?`), filed[4].CaseID).Scan(&outcome); err != nil || outcome != "withdrawn" {
			t.Fatalf("withdrawn: %q %v", outcome, err)
		}
		var events int
		if err := s.DB().QueryRow(storetest.Rebind(s, `SELECT COUNT(*) FROM stage_events WHERE case_id = ? AND referral_id IS NOT NULL`), filed[1].CaseID).Scan(&events); err != nil || events != 9 {
			t.Fatalf("referral stage events %d, %v", events, err)
		}

		after, err := s.VerifyAudit(ctx)
		if err != nil || after.Break != nil || after.Entries != before.Entries+1 {
			t.Fatalf("audit after import: %+v → %+v, %v", before, after, err)
		}
	})
}

func TestImportRefusesIllegalHistoriesAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Now().Add(-100 * 24 * time.Hour)
		good := store.HistoricCase{Report: importReport("ok", t0), Events: []store.HistoricEvent{ev(grievance.CaseAcknowledged, day(t0, 1), S, "")}}
		// More than one transaction's worth, with the bad case in the last batch.
		cases := make([]store.HistoricCase, 2600)
		for i := range cases {
			cases[i] = good
		}
		cases[2550] = store.HistoricCase{Report: importReport("bad", t0), Events: []store.HistoricEvent{ev(grievance.CaseAccepted, day(t0, 1), H, "")}}
		before, _ := s.VerifyAudit(ctx)
		_, err := s.ImportCases(ctx, cases, importer, false)
		var ie *store.ImportError
		var re *grievance.RuleError
		if !errors.As(err, &ie) || ie.Index != 2550 || !errors.As(err, &re) || re.Code != "illegal_transition" || !strings.Contains(err.Error(), "case 2550") {
			t.Fatalf("received → accepted: %v", err)
		}
		for _, table := range []string{"cases", "stage_events", "case_keys", "reference_counters"} {
			if n := countRows(t, s, table); n != 0 {
				t.Fatalf("%d rows in %s after a refused import", n, table)
			}
		}
		if after, _ := s.VerifyAudit(ctx); after.Entries != before.Entries {
			t.Fatalf("refused import wrote audit entries")
		}

		mid, _ := s.CreateMember(ctx, store.Member{NameEN: "Refusal Member"}, importer)
		accepted := func() store.HistoricCase {
			return store.HistoricCase{Report: importReport("x", t0, grievance.CompanyRef{MemberID: mid}), Events: []store.HistoricEvent{
				ev(grievance.CaseAcknowledged, day(t0, 1), S, ""),
				ev(grievance.CaseScreening, day(t0, 2), H, ""),
				ev(grievance.CaseAccepted, day(t0, 10), H, ""),
			}, Referrals: []store.HistoricReferral{{CompanyIndex: 0}}}
		}
		suspendedMove := accepted()
		suspendedMove.Events = append(suspendedMove.Events,
			store.HistoricEvent{To: grievance.CaseSuspended, At: day(t0, 20), Role: H, Reason: "court case"})
		suspendedMove.Referrals[0].Events = []store.HistoricReferralEvent{rev(grievance.ReferralResponded, day(t0, 25), M, "")}
		closedOpen := accepted()
		closedOpen.Events = append(closedOpen.Events, ev(grievance.CaseClosed, day(t0, 30), H, "resolved"))
		badOutcome := accepted()
		badOutcome.Referrals[0].Events = []store.HistoricReferralEvent{rev(grievance.ReferralResponded, day(t0, 12), M, ""), rev(grievance.ReferralConcluded, day(t0, 13), H, "happy")}
		noReason := accepted()
		noReason.Events = noReason.Events[:2]
		noReason.Events = append(noReason.Events, ev(grievance.CaseAwaitingInformation, day(t0, 3), H, ""))
		noReason.Referrals = nil
		backwards := accepted()
		backwards.Events[1].At = day(t0, 0.5)
		beforeAccepted := accepted()
		beforeAccepted.Referrals[0].Events = []store.HistoricReferralEvent{rev(grievance.ReferralResponded, day(t0, 5), M, "")}
		unknownMember := accepted()
		unknownMember.Report.Companies[0].MemberID = mid + 100
		neverAccepted := accepted()
		neverAccepted.Events = neverAccepted.Events[:2]
		future := accepted()
		future.Events[2].At = time.Now().Add(time.Hour)
		for name, tc := range map[string]struct {
			c    store.HistoricCase
			code string
		}{
			"referral move while suspended":   {suspendedMove, "case_not_accepted"},
			"closing with an open referral":   {closedOpen, "referrals_open"},
			"unknown outcome":                 {badOutcome, "invalid_code"},
			"question without a reason":       {noReason, "reason_required"},
			"time runs backwards":             {backwards, ""},
			"referral moved before it exists": {beforeAccepted, ""},
			"unknown member":                  {unknownMember, ""},
			"referrals but never accepted":    {neverAccepted, ""},
			"move in the future":              {future, ""},
		} {
			_, err := s.ImportCases(ctx, []store.HistoricCase{accepted(), tc.c}, importer, false)
			if !errors.As(err, &ie) || ie.Index != 1 {
				t.Fatalf("%s: %v", name, err)
			}
			if tc.code != "" && (!errors.As(err, &re) || re.Code != tc.code) {
				t.Fatalf("%s: %v, want %s", name, err, tc.code)
			}
		}
		if n := countRows(t, s, "cases"); n != 0 {
			t.Fatalf("%d cases after refused imports", n)
		}
	})
}

func TestImportedReferencesShareNumberingWithFiledCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		year := time.Now().In(s.Timeline().Zone).Year()
		first, err := s.CreateCase(ctx, importReport("filed first", time.Time{}), store.Actor{Role: "reporter"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Reference != grievance.FormatReference(year, 1) {
			t.Fatalf("first reference %s", first.Reference)
		}
		// Mid-year of the previous year and this year, interleaved.
		lastYear := time.Date(year-1, 6, 1, 12, 0, 0, 0, s.Timeline().Zone)
		thisYear := time.Now().Add(-time.Hour)
		if thisYear.In(s.Timeline().Zone).Year() != year {
			t.Skip("too close to new year")
		}
		var cases []store.HistoricCase
		for _, at := range []time.Time{thisYear, lastYear, thisYear, lastYear, thisYear} {
			cases = append(cases, store.HistoricCase{Report: importReport("imported", at)})
		}
		filed, err := s.ImportCases(ctx, cases, importer, false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range filed {
			if f.Receipt != "" {
				t.Fatal("a receipt came back without keepReceipts")
			}
			got = append(got, f.Reference)
		}
		want := fmt.Sprintf("R-%d-00002,R-%d-00001,R-%d-00003,R-%d-00002,R-%d-00004", year, year-1, year, year-1, year)
		if strings.Join(got, ",") != want {
			t.Fatalf("references %v, want %s", got, want)
		}
		next, err := s.CreateCase(ctx, importReport("filed after", time.Time{}), store.Actor{Role: "reporter"})
		if err != nil || next.Reference != grievance.FormatReference(year, 5) {
			t.Fatalf("next filed reference %s, %v", next.Reference, err)
		}
		// The filed case after the import must get an id above the imported ones.
		if next.CaseID <= filed[len(filed)-1].CaseID {
			t.Fatalf("filed case id %d after imported %d", next.CaseID, filed[len(filed)-1].CaseID)
		}
	})
}

func TestImportOfSyntheticCasesInSeveralBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var members []int64
		for _, name := range []string{"Batch One", "Batch Two", "Batch Three"} {
			id, err := s.CreateMember(ctx, store.Member{NameEN: name}, importer)
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, id)
		}
		cases := demo.Synthetic(rand.New(rand.NewPCG(1, 2)), 5200, time.Now(), s.Timeline(), members)
		before, _ := s.VerifyAudit(ctx)
		filed, err := s.ImportCases(ctx, cases, importer, true)
		if err != nil {
			t.Fatal(err)
		}
		after, err := s.VerifyAudit(ctx)
		if err != nil || after.Break != nil || after.Entries != before.Entries+3 {
			t.Fatalf("audit after 3 batches: %+v → %+v, %v", before, after, err)
		}
		if n := countRows(t, s, "cases"); n != len(cases) {
			t.Fatalf("%d cases stored", n)
		}
		seen := map[string]bool{}
		for _, f := range filed {
			if seen[f.Reference] || seen[f.Receipt] {
				t.Fatalf("duplicate reference or receipt %+v", f)
			}
			seen[f.Reference], seen[f.Receipt] = true, true
		}
		for _, i := range []int{0, 2600, len(cases) - 1} {
			c, err := s.ReporterCase(ctx, filed[i].CaseID)
			if err != nil || c.Description != cases[i].Report.Description || string(c.Stage) != lastStage(cases[i]) {
				t.Fatalf("case %d: %+v, %v", i, c, err)
			}
		}
	})
}

func lastStage(c store.HistoricCase) string {
	if len(c.Events) == 0 {
		return "received"
	}
	return string(c.Events[len(c.Events)-1].To)
}

// BenchmarkImportCases measures the import on SQLite, in batches of the size Seed uses.
func BenchmarkImportCases(b *testing.B) {
	s := storetest.Open(b, store.SQLite, storetest.Options{DataDir: filepath.Join(b.TempDir(), "data")})
	ctx := context.Background()
	var members []int64
	for i := range 8 {
		id, err := s.CreateMember(ctx, store.Member{NameEN: fmt.Sprint("Bench member ", i)}, importer)
		if err != nil {
			b.Fatal(err)
		}
		members = append(members, id)
	}
	const batch = 5000
	cases := demo.Synthetic(rand.New(rand.NewPCG(7, 7)), batch, time.Now(), s.Timeline(), members)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := s.ImportCases(ctx, cases, importer, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "cases/s")
}
