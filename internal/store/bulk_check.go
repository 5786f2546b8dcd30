package store

import (
	"context"
	"runtime"
	"sync"
)

// CheckHistories runs ImportCases' checks over every case without writing anything and returns
// every refusal, in the cases' order (ImportCases stops at the first). An importer uses it to
// report each rejected record and import the rest. The error is for the database only.
func (s *Store) CheckHistories(ctx context.Context, cases []HistoricCase) ([]ImportError, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	members, err := s.activeMembers(ctx)
	if err != nil {
		return nil, err
	}
	now := utc(s.now())
	failed := make([]error, len(cases))
	workers := runtime.GOMAXPROCS(0)
	per := (len(cases) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(cases))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				_, failed[i] = s.planCase(&cases[i], now, members)
			}
		})
	}
	wg.Wait()
	var out []ImportError
	for i, err := range failed {
		if err != nil {
			out = append(out, ImportError{Index: i, Err: err})
		}
	}
	return out, ctx.Err()
}
