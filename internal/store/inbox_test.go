package store_test

import (
	"testing"
	"time"

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
