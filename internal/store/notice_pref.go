package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// NoticePref is what a user chose to receive by mail, and in which language.
type NoticePref struct {
	Mode     grievance.NoticeMode
	Language string
}

// NoticePref reads a user's choice; a user who never chose gets every notice at once, in
// English.
func (s *Store) NoticePref(ctx context.Context, userID int64) (NoticePref, error) {
	var p NoticePref
	var mode string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT mode, language FROM notice_prefs WHERE user_id = ?`), userID).Scan(&mode, &p.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return NoticePref{Mode: grievance.NoticeImmediate, Language: defaultNoticeLanguage}, nil
	}
	p.Mode = grievance.NoticeMode(mode)
	return p, err
}

// SetNoticePref saves a user's choice. It applies to notices queued from now on.
func (s *Store) SetNoticePref(ctx context.Context, userID int64, p NoticePref, actor Actor) error {
	if !p.Mode.Valid() {
		return grievance.FieldErrors{"mode": "invalid_code"}
	}
	if !validLanguageTag(p.Language) {
		return grievance.FieldErrors{"language": "invalid_code"}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO notice_prefs (user_id, mode, language, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, language = excluded.language, updated_at = excluded.updated_at`),
			userID, string(p.Mode), p.Language, utc(s.now())); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "notice.pref", 0, map[string]any{"user": userID, "mode": p.Mode, "language": p.Language})
	})
}
