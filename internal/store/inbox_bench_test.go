package store_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// BenchmarkInbox measures the desk's list on a seeded data folder:
//
//	go run ./cmd/remedy seed --data /tmp/m1 --cases 1000000
//	REMEDY_BENCH_DATA=/tmp/m1 go test -run '^$' -bench Inbox -benchtime 200x ./internal/store/
//
// Each scenario reports the p50 and p95 server time of one page (the query, the page's details
// and the counts).
func BenchmarkInbox(b *testing.B) {
	s := openBenchStore(b)
	members, _ := s.Members(ctx)
	now := time.Now()
	scenarios := []struct {
		name string
		f    store.InboxFilter
	}{
		{"open-by-deadline", store.InboxFilter{}},
		{"open-page-20", store.InboxFilter{Page: 20}},
		{"overdue", store.InboxFilter{Overdue: true}},
		{"due-within-7-days", store.InboxFilter{DueWithinDays: 7}},
		{"screening", store.InboxFilter{Stages: []grievance.CaseStage{grievance.CaseScreening}}},
		{"referral-in-dialogue", store.InboxFilter{ReferralStage: grievance.ReferralDialogue}},
		{"member", store.InboxFilter{MemberID: members[0].ID}},
		{"country-VN", store.InboxFilter{Country: "VN"}},
		{"category-forced-labour", store.InboxFilter{Category: "forced_labour"}},
		{"language-my", store.InboxFilter{Language: "my"}},
		{"in-danger", store.InboxFilter{Urgency: "immediate_danger"}},
		{"closed-newest-first", store.InboxFilter{Stages: []grievance.CaseStage{grievance.CaseClosed}, Sort: "received"}},
		{"all-stages-VN-wages", store.InboxFilter{Stages: grievance.CaseStages, Country: "VN", Category: "wages_benefits", Sort: "received"}},
		{"assigned-to-me", store.InboxFilter{HandlerID: 1}}, // remedy seed assigns no handler: measures an empty result
		{"country-VN-page-20", store.InboxFilter{Country: "VN", Page: 20}},
		{"member-page-20", store.InboxFilter{MemberID: members[0].ID, Page: 20}},
		{"received-newest-first", store.InboxFilter{Sort: "received"}},
		{"by-reference", store.InboxFilter{Sort: "reference"}},
		{"all-stages-by-deadline", store.InboxFilter{Stages: grievance.CaseStages}},
		{"all-stages-page-3000", store.InboxFilter{Stages: grievance.CaseStages, Page: 3000}}, // past the open cases
		{"needs-attention", store.InboxFilter{Attention: true}},
		{"needs-attention-page-20", store.InboxFilter{Attention: true, Page: 20}},
	}
	for _, sc := range scenarios {
		// Every page marks what is new to the handler looking (user 1, who opened nothing).
		sc.f.Viewer = 1
		b.Run(sc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			var total int
			for i := 0; i < b.N; i++ {
				start := time.Now()
				in, err := s.Inbox(ctx, sc.f, now)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				total = in.Total
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(total), "matching")
		})
	}
}

// openBenchStore opens the seeded data folder named by REMEDY_BENCH_DATA (skipping without one),
// or PostgreSQL seeded with that folder's key when REMEDY_BENCH_DATABASE_URL is set.
func openBenchStore(b *testing.B) *store.Store {
	dir := os.Getenv("REMEDY_BENCH_DATA")
	if dir == "" {
		b.Skip("set REMEDY_BENCH_DATA to a data folder made by remedy seed")
	}
	keys, _, err := seal.LoadKeyring(filepath.Join(dir, "remedy.key"), "")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	s, err := store.Open(ctx, store.Config{DataDir: dir, DatabaseURL: os.Getenv("REMEDY_BENCH_DATABASE_URL"), Keys: keys, Timeline: storetest.Timeline(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// The first open of a folder seeded before a migration applies it: this is how long it took.
	b.Logf("store opened (and migrated) in %s", time.Since(start).Round(time.Millisecond))
	return s
}
