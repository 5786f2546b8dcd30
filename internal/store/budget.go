package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// Bucket is one token bucket of a shared budget: it holds at most Burst tokens and gets one back
// every Per. A bucket nobody has drawn on is full.
type Bucket struct {
	Key   []byte // lane and who: never an address in clear (seal.Keyring.SourceHash)
	Burst float64
	Per   time.Duration
}

func (b Bucket) rate() float64 { return 1e3 / float64(b.Per) } // tokens per µs

// Budget is the answer of TakeBudget: whether the cost was taken, and if not, how long until it
// would be.
type Budget struct {
	OK    bool
	Retry time.Duration
}

// budgetTakes counts calls, so that one in budgetSweepEvery also deletes expired rows.
var budgetTakes atomic.Uint64

const budgetSweepEvery = 256

// TakeBudget takes cost tokens from every bucket, or from none: the buckets are updated in one
// transaction, each by one conditional upsert, so two instances (or two requests) can never both
// spend the last token. When a bucket is short, nothing is taken and Retry says when all would
// have enough again.
func (s *Store) TakeBudget(ctx context.Context, cost float64, buckets ...Bucket) (Budget, error) {
	buckets = slices.Clone(buckets)
	// One order everywhere, so two transactions on PostgreSQL never wait on each other in a circle.
	slices.SortFunc(buckets, func(a, b Bucket) int { return bytes.Compare(a.Key, b.Key) })
	now := s.now().UnixMicro()
	var answer Budget
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if budgetTakes.Add(1)%budgetSweepEvery == 0 {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM budgets WHERE expires_us < ?`), now); err != nil {
				return err
			}
		}
		var wait time.Duration
		for _, b := range buckets {
			if cost > b.Burst {
				wait = 24 * time.Hour // never fits
				continue
			}
			ok, tokens, err := s.takeBucket(ctx, tx, b, cost, now)
			if err != nil {
				return err
			}
			if !ok {
				wait = max(wait, time.Duration((cost-tokens)/b.rate())*time.Microsecond)
			}
		}
		if wait > 0 {
			answer.Retry = max(wait, time.Second).Round(time.Second)
			return errRefused
		}
		answer.OK = true
		return nil
	})
	if errors.Is(err, errRefused) {
		return answer, nil
	}
	return answer, err
}

// errRefused rolls back the tokens taken from the other buckets.
var errRefused = errors.New("budget refused")

// takeBucket takes cost from b if it has that much; otherwise it answers the tokens it has.
func (s *Store) takeBucket(ctx context.Context, tx *sql.Tx, b Bucket, cost float64, now int64) (bool, float64, error) {
	least := "MIN"
	if s.dialect == Postgres {
		least = "LEAST"
	}
	refilled := least + `(CAST(? AS DOUBLE PRECISION), budgets.tokens + (CAST(? AS BIGINT) - budgets.at_us) * CAST(? AS DOUBLE PRECISION))`
	expires := now + int64(math.Ceil(b.Burst/b.rate())) // full again by then, from empty
	rate := b.rate()
	var left float64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO budgets (key, tokens, at_us, expires_us) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET tokens = `+refilled+` - CAST(? AS DOUBLE PRECISION), at_us = excluded.at_us, expires_us = excluded.expires_us
		WHERE `+refilled+` >= CAST(? AS DOUBLE PRECISION)
		RETURNING tokens`),
		b.Key, b.Burst-cost, now, expires,
		b.Burst, now, rate, cost,
		b.Burst, now, rate, cost).Scan(&left)
	if err == nil {
		return true, left, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, 0, err
	}
	var tokens float64
	var at int64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT tokens, at_us FROM budgets WHERE key = ?`), b.Key).Scan(&tokens, &at); err != nil {
		return false, 0, err
	}
	return false, min(b.Burst, tokens+float64(now-at)*rate), nil
}

// ReturnBudget gives cost tokens back to every bucket (never beyond its burst): a reservation
// that turned out not to be spent, such as a receipt guess that was right.
func (s *Store) ReturnBudget(ctx context.Context, cost float64, buckets ...Bucket) error {
	buckets = slices.Clone(buckets)
	slices.SortFunc(buckets, func(a, b Bucket) int { return bytes.Compare(a.Key, b.Key) })
	least := "MIN"
	if s.dialect == Postgres {
		least = "LEAST"
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, b := range buckets {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE budgets SET tokens = `+least+`(CAST(? AS DOUBLE PRECISION), tokens + CAST(? AS DOUBLE PRECISION)) WHERE key = ?`),
				b.Burst, cost, b.Key); err != nil {
				return err
			}
		}
		return nil
	})
}

// BudgetRows counts the rows of the budget table, for tests of expiry.
func (s *Store) BudgetRows(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM budgets`).Scan(&n)
	return n, err
}

// ExpireBudgets deletes the rows of buckets that are full again (TakeBudget also does this now
// and then).
func (s *Store) ExpireBudgets(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM budgets WHERE expires_us < ?`), s.now().UnixMicro())
	return err
}
