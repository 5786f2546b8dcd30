package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// twoStores opens two stores on one database (one SQLite file, or one PostgreSQL schema), as two
// `remedy serve` processes would, with one clock.
func twoStores(t *testing.T, d store.Dialect, now func() time.Time) (*store.Store, *store.Store) {
	t.Helper()
	cfg := store.Config{Keys: storetest.Keyring(t), Timeline: storetest.Timeline(t), Now: now}
	if d == store.Postgres {
		cfg.DatabaseURL = storetest.PostgresSchema(t)
	} else {
		cfg.DataDir = t.TempDir()
	}
	open := func() *store.Store {
		s, err := store.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a := open()
	return a, open()
}

func TestBudgetIsSharedByTwoStoresOnOneDatabase(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
			a, b := twoStores(t, d, func() time.Time { return now })
			bucket := store.Bucket{Key: []byte("test:global"), Burst: 4, Per: time.Minute}
			for i := range 4 {
				s := []*store.Store{a, b}[i%2]
				if got, err := s.TakeBudget(ctx, 1, bucket); err != nil || !got.OK {
					t.Fatalf("take %d: %+v, %v", i, got, err)
				}
			}
			for _, s := range []*store.Store{a, b} {
				got, err := s.TakeBudget(ctx, 1, bucket)
				if err != nil || got.OK {
					t.Fatalf("fifth take across two stores: %+v, %v; want refused", got, err)
				}
				if got.Retry != time.Minute {
					t.Fatalf("retry after %v, want 1m", got.Retry)
				}
			}
			now = now.Add(time.Minute)
			if got, _ := b.TakeBudget(ctx, 1, bucket); !got.OK {
				t.Fatal("one token back after a minute was not given")
			}
		})
	}
}

func TestBudgetTakesFromAllBucketsOrNone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		wide := store.Bucket{Key: []byte("test:wide"), Burst: 10, Per: time.Hour}
		narrow := store.Bucket{Key: []byte("test:narrow"), Burst: 2, Per: time.Hour}
		for range 2 {
			if got, _ := s.TakeBudget(ctx, 1, wide, narrow); !got.OK {
				t.Fatal("refused within both budgets")
			}
		}
		if got, _ := s.TakeBudget(ctx, 1, wide, narrow); got.OK {
			t.Fatal("narrow bucket overspent")
		}
		// The refused take left wide untouched: 8 tokens remain, not 7.
		for i := range 8 {
			if got, _ := s.TakeBudget(ctx, 1, wide); !got.OK {
				t.Fatalf("wide refused at %d: the refused take was charged", i)
			}
		}
		if got, _ := s.TakeBudget(ctx, 1, wide); got.OK {
			t.Fatal("wide overspent")
		}
		if err := s.ReturnBudget(ctx, 1, wide); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TakeBudget(ctx, 1, wide); !got.OK {
			t.Fatal("a returned token was not there")
		}
		if got, _ := s.TakeBudget(ctx, 11, wide); got.OK || got.Retry <= 0 {
			t.Fatalf("a cost above the burst: %+v", got)
		}
	})
}

// TestBudgetIsAtomicUnderConcurrency: many requests at once spend exactly the burst, never more.
func TestBudgetIsAtomicUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		bucket := store.Bucket{Key: []byte("test:race"), Burst: 20, Per: time.Hour}
		var mu sync.Mutex
		taken := 0
		var wg sync.WaitGroup
		for range 60 {
			wg.Go(func() {
				got, err := s.TakeBudget(ctx, 1, bucket)
				if err != nil {
					t.Error(err)
				}
				if got.OK {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if taken != 20 {
			t.Fatalf("%d of 60 concurrent takes succeeded, want exactly the burst of 20", taken)
		}
	})
}

func TestBudgetRowsExpire(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }})
			s.TakeBudget(ctx, 1, store.Bucket{Key: []byte("test:expire"), Burst: 3, Per: time.Minute})
			if n, _ := s.BudgetRows(ctx); n != 1 {
				t.Fatalf("%d rows, want 1", n)
			}
			now = now.Add(2 * time.Minute)
			s.ExpireBudgets(ctx)
			if n, _ := s.BudgetRows(ctx); n != 1 {
				t.Fatalf("%d rows before the bucket is full again, want 1", n)
			}
			now = now.Add(2 * time.Minute)
			s.ExpireBudgets(ctx)
			if n, _ := s.BudgetRows(ctx); n != 0 {
				t.Fatalf("%d rows after the bucket is full again, want 0", n)
			}
		})
	}
}
