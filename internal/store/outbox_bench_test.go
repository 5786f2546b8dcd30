package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// BenchmarkFilingOutbox is the outbox's cost per filing: a report filed with its notices queued
// to n handlers (one notice_events row, n outbox rows). It uses only CreateUser and CreateCase,
// so the same file runs unchanged on the code before the outbox for the "before" figure. Run
// with -bench FilingOutbox -benchtime 300x, and REMEDY_TEST_POSTGRES for both databases.
func BenchmarkFilingOutbox(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, handlers := range []int{0, 1, 5} {
			b.Run(fmt.Sprintf("%s/handlers=%d", d, handlers), func(b *testing.B) {
				s := storetest.Open(b, d, storetest.Options{})
				ctx := context.Background()
				for i := range handlers {
					if _, err := s.CreateUser(ctx, store.User{Email: fmt.Sprintf("h%d@example.org", i), DisplayName: "H", Role: grievance.RoleHandler}, "x", store.Actor{Role: "system"}); err != nil {
						b.Fatal(err)
					}
				}
				r := grievance.Report{Channel: grievance.ChannelWeb, Language: "en", Country: "VN", Description: "what happened",
					Companies: []grievance.CompanyRef{{Name: "A Factory"}}, Anonymous: true}
				r.Normalize()
				b.ResetTimer()
				for b.Loop() {
					if _, err := s.CreateCase(ctx, r, store.Actor{Role: "reporter"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
