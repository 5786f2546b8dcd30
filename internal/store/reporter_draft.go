package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// A reporter who writes a message while their session runs out must not lose it. The message is
// kept sealed with the case's key, like a sent one, under a random token that goes in a cookie;
// it is given back only to a session of the same case — after the receipt was given again —
// and never to whoever next signs in on a shared phone with another receipt.

// ReporterDraftTTL is how long a kept message waits for its reporter to sign in again.
const ReporterDraftTTL = time.Hour

const fieldDraftBody = "reporter_draft.body"

// LapsedReporterSessionCase is the case of a session that has run out but is still known (its
// row is kept for ReporterDraftTTL after it lapsed): the case a message typed in it belongs to.
func (s *Store) LapsedReporterSessionCase(ctx context.Context, token string) (int64, error) {
	if token == "" {
		return 0, ErrNotFound
	}
	var caseID int64
	var created, seen time.Time
	err := s.read.QueryRowContext(ctx, s.q(`SELECT case_id, created_at, last_seen_at FROM reporter_sessions WHERE token_hash = ?`), s.keys.TokenHash(token)).Scan(&caseID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	now := s.now()
	if now.Sub(seen) > ReporterSessionIdle+ReporterDraftTTL || now.Sub(created) > ReporterSessionMax+ReporterDraftTTL {
		return 0, ErrNotFound // the sweep has not come by yet
	}
	return caseID, nil
}

// CreateReporterDraft keeps a message for a case; the token returned goes in a cookie.
func (s *Store) CreateReporterDraft(ctx context.Context, caseID int64, body string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := utc(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM reporter_drafts WHERE created_at < ?`), now.Add(-ReporterDraftTTL)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO reporter_drafts (token_hash, case_id, created_at, body_sealed) VALUES (?, ?, ?, ?)`),
			s.draftHash(token), caseID, now, key.SealString(fieldDraftBody, body))
		return err
	})
	return token, err
}

// ReporterDraft is the message kept under token for this case: ErrNotFound when there is none,
// it has expired, or it belongs to another case.
func (s *Store) ReporterDraft(ctx context.Context, token string, caseID int64) (string, error) {
	if token == "" {
		return "", ErrNotFound
	}
	var sealed []byte
	var created time.Time
	err := s.read.QueryRowContext(ctx, s.q(`SELECT body_sealed, created_at FROM reporter_drafts WHERE token_hash = ? AND case_id = ?`), s.draftHash(token), caseID).Scan(&sealed, &created)
	if errors.Is(err, sql.ErrNoRows) || err == nil && s.now().Sub(created) > ReporterDraftTTL {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return "", err
	}
	return key.OpenString(fieldDraftBody, sealed)
}

// DeleteReporterDraft forgets a kept message: it was sent, or the reporter logged out.
func (s *Store) DeleteReporterDraft(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM reporter_drafts WHERE token_hash = ?`), s.draftHash(token))
	return err
}

// draftHash keeps draft tokens apart from session tokens, which are hashed with the same key.
func (s *Store) draftHash(token string) []byte { return s.keys.TokenHash("draft/" + token) }
