package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// Reporter sessions end after this much inactivity, and in any case after ReporterSessionMax:
// a reporter may be on a shared phone or in an internet café.
const (
	ReporterSessionIdle = 30 * time.Minute
	ReporterSessionMax  = 4 * time.Hour
)

// CreateReporterSession starts a session for a reporter who gave a valid receipt. The token goes
// in a cookie; only its keyed hash is stored.
func (s *Store) CreateReporterSession(ctx context.Context, caseID int64) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := utc(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are swept here rather than by a timer: logins are rare enough. A
		// lapsed one is kept ReporterDraftTTL longer, to tell which case a message typed in it
		// belongs to (LapsedReporterSessionCase); it opens nothing any more.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM reporter_sessions WHERE last_seen_at < ? OR created_at < ?`), now.Add(-ReporterSessionIdle-ReporterDraftTTL), now.Add(-ReporterSessionMax-ReporterDraftTTL)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO reporter_sessions (token_hash, case_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)`), s.keys.TokenHash(token), caseID, now, now)
		return err
	})
	return token, err
}

// ReporterSessionCase returns the case a live session opens, and keeps the session alive.
func (s *Store) ReporterSessionCase(ctx context.Context, token string) (int64, error) {
	if token == "" {
		return 0, ErrNotFound
	}
	now := utc(s.now())
	hash := s.keys.TokenHash(token)
	var caseID int64
	var created, seen time.Time
	err := s.read.QueryRowContext(ctx, s.q(`SELECT case_id, created_at, last_seen_at FROM reporter_sessions WHERE token_hash = ?`), hash).Scan(&caseID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if now.Sub(seen) > ReporterSessionIdle || now.Sub(created) > ReporterSessionMax {
		return 0, ErrNotFound
	}
	if now.Sub(seen) > time.Minute { // spare the single writer a write on every page view
		if _, err := s.db.ExecContext(ctx, s.q(`UPDATE reporter_sessions SET last_seen_at = ? WHERE token_hash = ?`), now, hash); err != nil {
			return 0, err
		}
	}
	return caseID, nil
}

// DeleteReporterSession logs a reporter out.
func (s *Store) DeleteReporterSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM reporter_sessions WHERE token_hash = ?`), s.keys.TokenHash(token))
	return err
}
