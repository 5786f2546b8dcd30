package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestInboxFiltersSortsAndCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		_, alpha := memberUser(t, s, "Alpha")
		_, beta := memberUser(t, s, "Beta")
		day := 24 * time.Hour
		base := time.Now().Add(-60 * day)
		file := func(daysAgo int, country, lang string, cat grievance.Category, member int64, urgency grievance.Urgency) int64 {
			r := report("x")
			r.ReceivedAt = base.Add(time.Duration(60-daysAgo) * day)
			r.Country, r.Language, r.Categories, r.Urgency = country, lang, []grievance.Category{cat}, urgency
			if member != 0 {
				r.Companies = []grievance.CompanyRef{{MemberID: member, Relation: "supplier"}}
			}
			return mustFile(t, s, r).CaseID
		}
		old := file(20, "VN", "vi", "wages_benefits", alpha, "normal")           // ack overdue
		recent := file(1, "VN", "vi", "forced_labour", beta, "immediate_danger") // due in 6 days
		jp := file(3, "JP", "ja", "working_hours", alpha, "normal")
		closed := file(30, "TH", "th", "wages_benefits", 0, "normal")
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: closed, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: jp, To: grievance.CaseAcknowledged, Actor: h}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		ids := func(f store.InboxFilter) []int64 {
			t.Helper()
			in, err := s.Inbox(ctx, f, now)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range in.Rows {
				out = append(out, r.ID)
			}
			if in.Total != len(out) && f.PerPage == 0 {
				t.Fatalf("total %d for %d rows", in.Total, len(out))
			}
			return out
		}
		same := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %v, want %v", name, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s: %v, want %v", name, got, want)
				}
			}
		}
		same("open cases by deadline", ids(store.InboxFilter{}), old, recent, jp)
		same("overdue", ids(store.InboxFilter{Overdue: true}), old)
		same("due within 7 days", ids(store.InboxFilter{DueWithinDays: 7}), old, recent)
		same("member Alpha", ids(store.InboxFilter{MemberID: alpha}), old, jp)
		same("Viet Nam, forced labour", ids(store.InboxFilter{Country: "VN", Category: "forced_labour"}), recent)
		same("Japanese", ids(store.InboxFilter{Language: "ja"}), jp)
		same("in danger", ids(store.InboxFilter{Urgency: "immediate_danger"}), recent)
		same("withdrawn", ids(store.InboxFilter{Stages: []grievance.CaseStage{grievance.CaseWithdrawn}}), closed)
		same("newest first", ids(store.InboxFilter{Sort: "received"}), recent, jp, old)
		same("assigned to me", ids(store.InboxFilter{HandlerID: h.UserID}))
		in, _ := s.Inbox(ctx, store.InboxFilter{PerPage: 2, Page: 2}, now)
		if in.Total != 3 || len(in.Rows) != 1 || in.Rows[0].ID != jp {
			t.Fatalf("page 2 of 2: total %d rows %+v", in.Total, in.Rows)
		}
		if in.StageCounts["received"] != 2 || in.StageCounts["acknowledged"] != 1 || in.StageCounts["withdrawn"] != 0 {
			t.Fatalf("stage counts %v", in.StageCounts)
		}
		in, _ = s.Inbox(ctx, store.InboxFilter{Overdue: true}, now)
		if !in.Rows[0].Overdue || in.Rows[0].MemberIDs[0] != alpha || in.Rows[0].Categories[0] != "wages_benefits" {
			t.Fatalf("row = %+v", in.Rows[0])
		}
	})
}

// plainInbox is what the inbox means, written as plainly as the first version of it was: a page's
// ids, the total and the open cases per stage, straight from the cases table.
func plainInbox(t *testing.T, s *store.Store, f store.InboxFilter, now time.Time) ([]int64, int, map[grievance.CaseStage]int) {
	t.Helper()
	where := func(stages []grievance.CaseStage) (string, []any) {
		var conds []string
		var args []any
		add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
		if len(stages) == 0 {
			for _, st := range grievance.CaseStages {
				if !st.Final() {
					stages = append(stages, st)
				}
			}
		}
		var marks []string
		for _, st := range stages {
			marks = append(marks, "?")
			args = append(args, string(st))
		}
		conds = append(conds, "c.stage IN ("+strings.Join(marks, ", ")+")")
		if f.Overdue {
			add("c.due_at <= ?", now.UTC().Truncate(time.Microsecond))
		} else if f.DueWithinDays > 0 {
			add("c.due_at <= ?", now.AddDate(0, 0, f.DueWithinDays).UTC().Truncate(time.Microsecond))
		}
		if f.ReferralStage != "" {
			add("c.id IN (SELECT case_id FROM referrals WHERE stage = ?)", string(f.ReferralStage))
		}
		if f.MemberID != 0 {
			add("c.id IN (SELECT case_id FROM case_companies WHERE member_id = ?)", f.MemberID)
		}
		if f.Country != "" {
			add("c.country = ?", f.Country)
		}
		if f.Category != "" {
			add("c.id IN (SELECT case_id FROM case_categories WHERE category = ?)", string(f.Category))
		}
		if f.Language != "" {
			add("c.language = ?", f.Language)
		}
		if f.Urgency != "" {
			add("c.urgency = ?", string(f.Urgency))
		}
		if f.HandlerID != 0 {
			add("c.handler_id = ?", f.HandlerID)
		}
		return " WHERE " + strings.Join(conds, " AND "), args
	}
	order := "c.due_at ASC NULLS LAST, c.id ASC"
	switch f.Sort {
	case "received":
		order = "c.received_at DESC, c.id DESC"
	case "reference":
		order = "c.id DESC"
	}
	perPage, page := f.PerPage, f.Page
	if perPage <= 0 || perPage > 200 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	w, args := where(f.Stages)
	rows, err := s.DB().QueryContext(ctx, storetest.Rebind(s, "SELECT c.id FROM cases c"+w+" ORDER BY "+order+" LIMIT ? OFFSET ?"), append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var total int
	if err := s.DB().QueryRowContext(ctx, storetest.Rebind(s, "SELECT COUNT(*) FROM cases c"+w), args...).Scan(&total); err != nil {
		t.Fatal(err)
	}
	w, args = where(nil)
	rows, err = s.DB().QueryContext(ctx, storetest.Rebind(s, "SELECT c.stage, COUNT(*) FROM cases c"+w+" GROUP BY c.stage"), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[grievance.CaseStage]int{}
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		counts[grievance.CaseStage(st)] = n
	}
	return ids, total, counts
}

// checkInbox compares the inbox with plainInbox under many filters.
func checkInbox(t *testing.T, s *store.Store, now time.Time, filters []store.InboxFilter) {
	t.Helper()
	for _, f := range filters {
		in, err := s.Inbox(ctx, f, now)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		ids, total, counts := plainInbox(t, s, f, now)
		var got []int64
		for _, r := range in.Rows {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) || in.Total != total || in.TotalCapped || fmt.Sprint(in.StageCounts) != fmt.Sprint(counts) {
			t.Fatalf("filter %+v:\n got  %v total %d %v\n want %v total %d %v", f, got, in.Total, in.StageCounts, ids, total, counts)
		}
	}
}

// inboxCopiesAgree checks that every row of the tables the inbox filters on carries its case's
// stage and deadline.
func inboxCopiesAgree(t *testing.T, s *store.Store) {
	t.Helper()
	for _, table := range []string{"case_companies", "case_categories", "referrals"} {
		var n, off int
		err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN x.case_stage <> c.stage OR x.case_due_at IS DISTINCT FROM c.due_at THEN 1 ELSE 0 END), 0)
			FROM `+table+` x JOIN cases c ON c.id = x.case_id`).Scan(&n, &off)
		if err != nil {
			t.Fatal(err)
		}
		if off != 0 {
			t.Fatalf("%s: %d of %d rows disagree with their case's stage or deadline", table, off, n)
		}
	}
}

func TestInboxMeansWhatThePlainQueryMeans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		var members []int64
		for _, name := range []string{"Alpha", "Beta", "Gamma"} {
			_, id := memberUser(t, s, name)
			members = append(members, id)
		}
		now := time.Now()
		// Imported histories: most old cases are final, recent ones open, some with referrals.
		cases := demo.Synthetic(rand.New(rand.NewPCG(3, 4)), 900, now, s.Timeline(), members)
		if _, err := s.ImportCases(ctx, cases, importer, false); err != nil {
			t.Fatal(err)
		}
		// Live cases, one naming a member twice with two referrals in the same stage.
		var live []int64
		for i := range 12 {
			r := report(fmt.Sprint("live ", i))
			r.Country = []string{"VN", "JP", "TH"}[i%3]
			r.Categories = []grievance.Category{[]grievance.Category{"wages_benefits", "forced_labour"}[i%2]}
			r.Companies = []grievance.CompanyRef{{MemberID: members[i%3], Relation: "supplier"}}
			if i == 0 {
				r.Companies = append(r.Companies, grievance.CompanyRef{MemberID: members[0], Relation: "group_company"})
			}
			live = append(live, mustFile(t, s, r).CaseID)
		}
		move := func(id int64, to grievance.CaseStage, c store.CaseStageChange) {
			t.Helper()
			c.CaseID, c.To = id, to
			if c.Actor.Role == "" {
				c.Actor = h
			}
			if err := s.ChangeCaseStage(ctx, c); err != nil {
				t.Fatalf("case %d → %s: %v", id, to, err)
			}
		}
		for i, id := range live[:8] {
			move(id, grievance.CaseAcknowledged, store.CaseStageChange{})
			if i < 6 {
				move(id, grievance.CaseScreening, store.CaseStageChange{})
			}
			if i < 4 {
				companies, err := s.CaseCompanies(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				var refs []store.NewReferral
				for _, c := range companies {
					refs = append(refs, store.NewReferral{CompanyID: c.ID})
				}
				move(id, grievance.CaseAccepted, store.CaseStageChange{Referrals: refs})
			}
		}
		refs, _ := s.Referrals(ctx, live[1])
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: refs[0].ID, To: grievance.ReferralResponded, Actor: h}); err != nil {
			t.Fatal(err)
		}
		// A message to the reporter moves an accepted case's deadline.
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: live[2], Thread: store.ThreadReporter, Author: h, Body: "news"}); err != nil {
			t.Fatal(err)
		}
		move(live[10], grievance.CaseWithdrawn, store.CaseStageChange{Actor: reporter})
		if _, err := s.DB().ExecContext(ctx, storetest.Rebind(s, `UPDATE cases SET handler_id = ? WHERE id IN (?, ?, ?)`), h.UserID, live[0], live[5], live[11]); err != nil {
			t.Fatal(err)
		}
		inboxCopiesAgree(t, s)

		stageSets := [][]grievance.CaseStage{nil, {"screening"}, {"received", "acknowledged"}, {"accepted", "accepted"},
			{"closed"}, {"closed", "withdrawn", "not_accepted"}, grievance.CaseStages, {"accepted", "closed"},
			{"received", "withdrawn"}, {"awaiting_information", "suspended", "not_accepted"}}
		filters := []store.InboxFilter{{}, {Overdue: true}, {DueWithinDays: 30}, {ReferralStage: "forwarded"}, {ReferralStage: "concluded"},
			{MemberID: members[0]}, {MemberID: members[1]}, {Country: "VN"}, {Category: "wages_benefits"}, {Category: "forced_labour"},
			{Language: "vi"}, {Urgency: "urgent"}, {HandlerID: h.UserID},
			{MemberID: members[0], Category: "wages_benefits"}, {MemberID: members[0], ReferralStage: "forwarded"},
			{Category: "wages_benefits", Country: "VN"}, {MemberID: members[2], Overdue: true, Country: "JP"},
			{ReferralStage: "dialogue", Category: "wages_benefits", MemberID: members[1], DueWithinDays: 400}}
		var all []store.InboxFilter
		for i, f := range filters {
			for j, st := range stageSets {
				f.Stages = st
				f.Sort = []string{"", "received", "reference"}[(i+j)%3]
				f.PerPage, f.Page = 0, 0
				all = append(all, f)
				for page := 1; page <= 4; page++ {
					f.PerPage, f.Page = 3+(i+j)%5, page
					all = append(all, f)
				}
			}
		}
		checkInbox(t, s, now, all)
	})
}

func TestInboxFollowsStageAndDeadlineChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		_, alpha := memberUser(t, s, "Alpha")
		now := time.Now()
		listed := func(f store.InboxFilter) []int64 {
			t.Helper()
			in, err := s.Inbox(ctx, f, now)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range in.Rows {
				ids = append(ids, r.ID)
			}
			return ids
		}
		r := report("x")
		r.Companies = []grievance.CompanyRef{{MemberID: alpha, Relation: "supplier"}}
		r.Categories = []grievance.Category{"forced_labour"}
		id := mustFile(t, s, r).CaseID
		acknowledged := []grievance.CaseStage{grievance.CaseAcknowledged}
		if got := listed(store.InboxFilter{MemberID: alpha, Stages: acknowledged}); len(got) != 0 {
			t.Fatalf("acknowledged before the move: %v", got)
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: grievance.CaseAcknowledged, Actor: h}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []store.InboxFilter{{MemberID: alpha, Stages: acknowledged}, {Category: "forced_labour", Stages: acknowledged}} {
			if got := listed(f); fmt.Sprint(got) != fmt.Sprint([]int64{id}) {
				t.Fatalf("%+v after the move: %v", f, got)
			}
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
			t.Fatal(err)
		}
		if got := listed(store.InboxFilter{MemberID: alpha}); len(got) != 0 {
			t.Fatalf("a withdrawn case is still open: %v", got)
		}

		// An imported case accepted long ago, its reporter's news overdue, its referral in dialogue.
		at := now.AddDate(0, -8, 0)
		ir := importReport("imported", at, grievance.CompanyRef{MemberID: alpha, Relation: "supplier"})
		filed, err := s.ImportCases(ctx, []store.HistoricCase{{Report: ir,
			Events: []store.HistoricEvent{ev("acknowledged", day(at, 1), S, ""), ev("screening", day(at, 2), H, ""), ev("accepted", day(at, 10), H, "")},
			Referrals: []store.HistoricReferral{{CompanyIndex: 0, Events: []store.HistoricReferralEvent{
				rev("responded", day(at, 20), M, ""), rev("dialogue", day(at, 30), H, "")}}},
		}}, importer, false)
		if err != nil {
			t.Fatal(err)
		}
		imported := filed[0].CaseID
		overdue := store.InboxFilter{MemberID: alpha, Overdue: true}
		for _, f := range []store.InboxFilter{{ReferralStage: "dialogue"}, overdue, {Category: "wages_benefits", Overdue: true}} {
			if got := listed(f); fmt.Sprint(got) != fmt.Sprint([]int64{imported}) {
				t.Fatalf("%+v after the import: %v", f, got)
			}
		}
		// News to the reporter moves the deadline 90 days on.
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: imported, Thread: store.ThreadReporter, Author: h, Body: "news"}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []store.InboxFilter{overdue, {ReferralStage: "dialogue", Overdue: true}, {Category: "wages_benefits", DueWithinDays: 30}} {
			if got := listed(f); len(got) != 0 {
				t.Fatalf("%+v after the deadline moved: %v", f, got)
			}
		}
		if got := listed(store.InboxFilter{ReferralStage: "dialogue", DueWithinDays: 100}); fmt.Sprint(got) != fmt.Sprint([]int64{imported}) {
			t.Fatalf("due within 100 days after the deadline moved: %v", got)
		}
		inboxCopiesAgree(t, s)
	})
}

func TestInboxCapsTotalsThatTakeInFinalStages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		at := time.Now().AddDate(0, -1, 0)
		var cases []store.HistoricCase
		for i := range store.InboxCountCap + 6 {
			c := store.HistoricCase{Report: importReport(fmt.Sprint("case ", i), at.Add(time.Duration(i)*time.Second))}
			if i%250 == 1 {
				c.Events = []store.HistoricEvent{ev("withdrawn", day(at, 1), R, "")}
			}
			cases = append(cases, c)
		}
		if _, err := s.ImportCases(ctx, cases, importer, false); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		inbox := func(f store.InboxFilter) store.Inbox {
			t.Helper()
			in, err := s.Inbox(ctx, f, now)
			if err != nil {
				t.Fatal(err)
			}
			return in
		}
		// Open cases are counted exactly, however many.
		open := store.InboxCountCap + 1
		if in := inbox(store.InboxFilter{}); in.Total != open || in.TotalCapped || in.StageCounts["received"] != open {
			t.Fatalf("open: total %d capped %v counts %v", in.Total, in.TotalCapped, in.StageCounts)
		}
		if in := inbox(store.InboxFilter{Stages: grievance.CaseStages}); in.Total != store.InboxCountCap || !in.TotalCapped || in.StageCounts["received"] != open {
			t.Fatalf("every stage: total %d capped %v counts %v", in.Total, in.TotalCapped, in.StageCounts)
		}
		in := inbox(store.InboxFilter{Stages: []grievance.CaseStage{"withdrawn", "received"}, Sort: "received", PerPage: 3})
		if in.Total != store.InboxCountCap || !in.TotalCapped || len(in.Rows) != 3 || !in.Rows[0].ReceivedAt.After(in.Rows[1].ReceivedAt) {
			t.Fatalf("withdrawn and received: total %d capped %v rows %+v", in.Total, in.TotalCapped, in.Rows)
		}
		if in := inbox(store.InboxFilter{Stages: []grievance.CaseStage{"withdrawn"}}); in.Total != 5 || in.TotalCapped || len(in.Rows) != 5 {
			t.Fatalf("withdrawn: total %d capped %v", in.Total, in.TotalCapped)
		}
		// By deadline, the last open case, then the final ones (no deadline) by id.
		in = inbox(store.InboxFilter{Stages: []grievance.CaseStage{"withdrawn", "received"}, PerPage: 200, Page: 6})
		var got []string
		for i, r := range in.Rows {
			got = append(got, string(r.Stage))
			if i > 1 && r.ID < in.Rows[i-1].ID {
				t.Fatalf("final cases out of order: %+v", in.Rows)
			}
		}
		if strings.Join(got, ",") != "received,withdrawn,withdrawn,withdrawn,withdrawn,withdrawn" {
			t.Fatalf("last page by deadline: %v", got)
		}
	})
}

// TestInboxIndexesListTheOpenStages keeps the partial indexes of migrations 00004 and 00013 in step with the
// stages: the inbox repeats their condition from grievance.CaseStages, and a query whose
// condition differs cannot use them (it is only slow, so nothing else would notice).
func TestInboxIndexesListTheOpenStages(t *testing.T) {
	var open []string
	for _, st := range grievance.CaseStages {
		if !st.Final() {
			open = append(open, "'"+string(st)+"'")
		}
	}
	stages := "stage IN (" + strings.Join(open, ", ") + ");"
	for _, dialect := range []string{"sqlite", "postgres"} {
		for file, want := range map[string]int{"00004_inbox.sql": 10, "00013_attention.sql": 2} {
			b, err := os.ReadFile(filepath.Join("migrations", dialect, file))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, line := range strings.Split(string(b), "\n") {
				if i := strings.Index(line, "WHERE "); i >= 0 && strings.Contains(line, "stage IN") {
					n++
					if !strings.HasSuffix(line, stages) {
						t.Errorf("%s %s: %q does not end in %q", dialect, file, strings.TrimSpace(line), stages)
					}
				}
			}
			if n != want {
				t.Errorf("%s %s: %d partial indexes, want %d", dialect, file, n, want)
			}
		}
	}
}
