package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

const fieldTranslationBody = "message_translation.body"

// Translation is a staff member's translation of a message, shown under it.
type Translation struct {
	ID         int64
	MessageID  int64
	Language   string
	AuthorName string
	At         time.Time
	Body       string
}

// NewTranslation is a translation to add to a message of a case.
type NewTranslation struct {
	CaseID    int64
	MessageID int64
	Language  string // a BCP 47 tag
	Body      string
	Actor     Actor
}

// AddTranslation keeps a staff translation of a message, sealed with the case key. A message of
// another case is ErrNotFound. The audit entry names the message and the language, never text.
func (s *Store) AddTranslation(ctx context.Context, t NewTranslation) (int64, error) {
	if t.Actor.Role != string(grievance.RoleHandler) {
		return 0, ErrForbidden
	}
	body := strings.TrimSpace(grievance.NormalizeNewlines(t.Body))
	if body == "" {
		return 0, errors.New("a translation needs a text")
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM messages WHERE id = ? AND case_id = ?`), t.MessageID, t.CaseID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		key, err := s.caseKey(ctx, tx, t.CaseID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO message_translations (message_id, case_id, language, author_user_id, created_at, body_sealed)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), t.MessageID, t.CaseID, t.Language, nullInt(t.Actor.UserID), utc(s.now()),
			key.SealString(fieldTranslationBody, body)).Scan(&id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, t.Actor, "message.translate", t.CaseID, map[string]any{"message": t.MessageID, "translation": id, "language": t.Language})
	})
	return id, err
}

// translations lists a case's translations, oldest first.
func (s *Store) translations(ctx context.Context, key *seal.CaseKey, caseID int64) ([]Translation, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.id, t.message_id, t.language, COALESCE(u.display_name, ''), t.created_at, t.body_sealed
		FROM message_translations t LEFT JOIN users u ON u.id = t.author_user_id WHERE t.case_id = ? ORDER BY t.id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Translation
	for rows.Next() {
		var t Translation
		var sealed []byte
		if err := rows.Scan(&t.ID, &t.MessageID, &t.Language, &t.AuthorName, &t.At, &sealed); err != nil {
			return nil, err
		}
		if t.Body, err = key.OpenString(fieldTranslationBody, sealed); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
