package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
)

// seedBatch cases are generated and handed to ImportCases at a time, which splits them into its
// own transactions and seals one while writing another.
const seedBatch = 10000

// SystemActor is who seeds and fills: the platform, not a person.
var SystemActor = store.Actor{Role: "system"}

// Seed adds n synthetic cases (for load tests and benchmarks), creating the demo member companies
// first if there are no members. Generation runs one batch ahead of the import; progress, if not
// nil, hears the running total after each batch.
func Seed(ctx context.Context, s *store.Store, n int, rng *rand.Rand, progress func(done int)) error {
	members, err := s.Members(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	if len(ids) == 0 {
		if ids, err = createMembers(ctx, s, SystemActor); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []store.HistoricCase, 1)
	generated := make(chan error, 1)
	go func() {
		defer close(batches)
		generated <- SyntheticBatches(rng, n, seedBatch, time.Now(), s.Timeline(), ids, func(b []store.HistoricCase) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	done := 0
	for b := range batches {
		if _, err := s.ImportCases(ctx, b, SystemActor, false); err != nil {
			cancel()
			for range batches {
			}
			return fmt.Errorf("seed after %d cases: %w", done, err)
		}
		done += len(b)
		if progress != nil {
			progress(done)
		}
	}
	return <-generated
}
