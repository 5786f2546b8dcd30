package store

import (
	"context"
	"time"
)

// ImportedRecord is a record of an outside source already imported, and the case it became.
type ImportedRecord struct {
	CaseID     int64
	Reference  string
	ImportedAt time.Time
}

// ImportedKeys returns the row keys already imported from source, each with its case, so that an
// import run again skips them (HistoricCase.Source and SourceKey record them).
func (s *Store) ImportedKeys(ctx context.Context, source string) (map[string]ImportedRecord, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT i.row_key, i.case_id, c.reference, i.imported_at
		FROM import_sources i JOIN cases c ON c.id = i.case_id WHERE i.source = ?`), source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ImportedRecord{}
	for rows.Next() {
		var key string
		var r ImportedRecord
		if err := rows.Scan(&key, &r.CaseID, &r.Reference, &r.ImportedAt); err != nil {
			return nil, err
		}
		out[key] = r
	}
	return out, rows.Err()
}
