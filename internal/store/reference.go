package store

import (
	"context"
	"database/sql"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// nextReference takes the next number of year inside tx. The upsert locks the year's counter row
// until tx ends, so concurrent filings get distinct, increasing numbers on both databases.
func (s *Store) nextReference(ctx context.Context, tx *sql.Tx, year int) (string, error) {
	var seq int
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO reference_counters (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last`), year).Scan(&seq)
	if err != nil {
		return "", err
	}
	return grievance.FormatReference(year, seq), nil
}
