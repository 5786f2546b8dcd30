package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// KeyMismatchError means the key-encryption key the store was opened with is not the one this
// database's cases are wrapped under: serving would answer 401 to every receipt and file new
// cases the right key cannot open, so Open refuses.
type KeyMismatchError struct {
	KeyID string   // the fingerprint id of the key given
	Known []string // the ids the database knows (none for a database from before fingerprints)
}

func (e *KeyMismatchError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("the key-encryption key (id %s) does not open this database's cases", e.KeyID)
	}
	return fmt.Sprintf("the key-encryption key (id %s) is not this database's key (id %s)", e.KeyID, strings.Join(e.Known, ", "))
}

// ErrKeyRotated means another process finished a key rotation this one did not follow: it must
// be restarted with the new key before it writes anything the new key cannot open.
var ErrKeyRotated = errors.New("store: the key-encryption key was rotated; restart with the new remedy.key")

// checkKey matches the keyring against the fingerprints kept in the database, records the
// fingerprint on first use, takes over the first key's receipt and token subkeys after a
// rotation, and learns the next key when a rotation is under way.
func (s *Store) checkKey(ctx context.Context) error {
	id := s.keys.ID()
	var verifier, root, next []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT verifier, root_wrapped, next_wrapped FROM key_fingerprints WHERE kek_id = ?`), id).Scan(&verifier, &root, &next)
	switch {
	case err == nil:
		if subtle.ConstantTimeCompare(verifier, s.keys.Verifier()) != 1 {
			return &KeyMismatchError{KeyID: id, Known: []string{id}}
		}
		if root != nil {
			if err := s.keys.AdoptRoot(root); err != nil {
				return fmt.Errorf("store: the first key's subkeys do not open under key %s: %w", id, err)
			}
		}
		if next != nil {
			return s.learnNext(next)
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	known, err := s.kekIDs(ctx)
	if err != nil {
		return err
	}
	if len(known) > 0 {
		return &KeyMismatchError{KeyID: id, Known: known}
	}
	// A database from before fingerprints, or a new one: the key must open a case it holds.
	var wrapped []byte
	err = s.db.QueryRowContext(ctx, s.q(`SELECT wrapped FROM case_keys ORDER BY case_id LIMIT 1`)).Scan(&wrapped)
	switch {
	case err == nil:
		if _, err := s.keys.UnwrapCaseKey(wrapped); err != nil {
			return &KeyMismatchError{KeyID: id}
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO key_fingerprints (kek_id, verifier, created_at) VALUES (?, ?, ?)`), id, s.keys.Verifier(), utc(s.now()))
	return err
}

func (s *Store) kekIDs(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kek_id FROM key_fingerprints ORDER BY created_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// learnNext opens the next key a rotation left wrapped under this one and wraps under it from
// now on.
func (s *Store) learnNext(sealed []byte) error {
	kek, err := s.keys.OpenKEK(sealed)
	if err != nil {
		return fmt.Errorf("store: the next key of a rotation does not open: %w", err)
	}
	defer clear(kek)
	_, err = s.keys.AddKEK(kek, true)
	return err
}

// activeKEK makes sure, inside a transaction that stores a case key, that the key the store
// wraps under is still the database's: it follows a rotation another process started, and
// refuses when one finished without it. On PostgreSQL the row is locked for share, so a
// rotation cannot finish between this check and the commit.
func (s *Store) activeKEK(ctx context.Context, tx *sql.Tx) (string, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR SHARE"
	}
	for range 2 {
		id := s.keys.CurrentID()
		var next []byte
		err := tx.QueryRowContext(ctx, s.q(`SELECT next_wrapped FROM key_fingerprints WHERE kek_id = ?`+lock), id).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return "", ErrKeyRotated
		}
		if err != nil {
			return "", err
		}
		if next == nil {
			return id, nil
		}
		if id != s.keys.ID() {
			// Only the key a process started with can open what was wrapped under it.
			return "", ErrKeyRotated
		}
		if err := s.learnNext(next); err != nil {
			return "", err
		}
	}
	return "", ErrKeyRotated
}

// storeCaseKey inserts a case's wrapped key, wrapped again first when a rotation moved the
// current key since it was made.
func (s *Store) storeCaseKey(ctx context.Context, tx *sql.Tx, caseID int64, wrapped []byte) error {
	id, err := s.activeKEK(ctx, tx)
	if err != nil {
		return err
	}
	if wrapped, id, err = s.keys.RewrapCaseKey(wrapped); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO case_keys (case_id, holder, wrapped, kek_id) VALUES (?, 'kek', ?, ?)`), caseID, wrapped, id)
	return err
}

// ErrRotationPending means a rotation was begun and not finished: resume it.
var ErrRotationPending = errors.New("store: a key rotation is under way")

// BeginKeyRotation starts replacing the store's KEK with next: the next key goes in the
// database wrapped under the current one (so every process still on the current key learns it
// and wraps new cases under it), with its fingerprint and the first key's subkeys wrapped under
// it. The caller has already written next to a file: the database never holds a key in clear.
func (s *Store) BeginKeyRotation(ctx context.Context, next []byte) (string, error) {
	nk, err := seal.NewKeyring(next)
	if err != nil {
		return "", err
	}
	id := s.keys.ID()
	var newID string
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var pending []byte
		if err := tx.QueryRowContext(ctx, s.q(`SELECT next_wrapped FROM key_fingerprints WHERE kek_id = ?`+s.forUpdate()), id).Scan(&pending); err != nil {
			return err
		}
		if pending != nil {
			return ErrRotationPending
		}
		sealedNext, err := s.keys.SealKEK(next)
		if err != nil {
			return err
		}
		if newID, err = s.keys.AddKEK(next, false); err != nil {
			return err
		}
		root, err := s.keys.ExportRoot(newID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO key_fingerprints (kek_id, verifier, root_wrapped, created_at) VALUES (?, ?, ?, ?)`), newID, nk.Verifier(), root, utc(s.now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE key_fingerprints SET next_wrapped = ? WHERE kek_id = ?`), sealedNext, id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, Actor{Role: string(grievance.RoleSystem)}, "key.rotation_begin", 0, map[string]any{"from": id, "to": newID})
	})
	if err != nil {
		return "", err
	}
	// Wrap under the next key from now on, as other processes will once they see it.
	_, err = s.keys.AddKEK(next, true)
	return newID, err
}

// PendingKeyRotation answers the next key of a rotation begun under the store's key and not
// finished, and switches to it; ok is false when none is under way. The caller clears the key.
func (s *Store) PendingKeyRotation(ctx context.Context) (next []byte, ok bool, err error) {
	var sealed []byte
	err = s.db.QueryRowContext(ctx, s.q(`SELECT next_wrapped FROM key_fingerprints WHERE kek_id = ?`), s.keys.ID()).Scan(&sealed)
	if err != nil || sealed == nil {
		return nil, false, err
	}
	if next, err = s.keys.OpenKEK(sealed); err != nil {
		return nil, false, err
	}
	if _, err := s.keys.AddKEK(next, true); err != nil {
		clear(next)
		return nil, false, err
	}
	return next, true, nil
}

// RetiredKeys are the fingerprint ids the database still knows besides the current key's: a
// rotation whose new key file is in place but whose old key is not yet forgotten.
func (s *Store) RetiredKeys(ctx context.Context) ([]string, error) {
	ids, err := s.kekIDs(ctx)
	if err != nil {
		return nil, err
	}
	cur := s.keys.CurrentID()
	out := ids[:0]
	for _, id := range ids {
		if id != cur {
			out = append(out, id)
		}
	}
	return out, nil
}

// RewrapCaseKeys wraps up to batch case keys not yet under the current KEK again under it, in
// one transaction, and answers how many it did (0: none left). A server may keep serving:
// each row is replaced only if it is still what was read.
func (s *Store) RewrapCaseKeys(ctx context.Context, batch int) (int, error) {
	cur := s.keys.CurrentID()
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, s.q(`SELECT case_id, holder, wrapped FROM case_keys WHERE kek_id IS NULL OR kek_id <> ? ORDER BY case_id LIMIT ?`), cur, batch)
		if err != nil {
			return err
		}
		type row struct {
			caseID  int64
			holder  string
			wrapped []byte
		}
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.caseID, &r.holder, &r.wrapped); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			wrapped, id, err := s.keys.RewrapCaseKey(r.wrapped)
			if err != nil {
				return fmt.Errorf("case %d: %w", r.caseID, err)
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE case_keys SET wrapped = ?, kek_id = ? WHERE case_id = ? AND holder = ? AND wrapped = ?`), wrapped, id, r.caseID, r.holder, r.wrapped); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// FinishKeyRotation forgets every key but the current one, once no case key is wrapped under
// another. On PostgreSQL the old rows are locked first, so no process still on an old key can
// store a case key between the count and the delete (activeKEK locks them for share).
func (s *Store) FinishKeyRotation(ctx context.Context) error {
	cur := s.keys.CurrentID()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`SELECT kek_id FROM key_fingerprints WHERE kek_id <> ?`+s.forUpdate()), cur); err != nil {
			return err
		}
		var left int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM case_keys WHERE kek_id IS NULL OR kek_id <> ?`), cur).Scan(&left); err != nil {
			return err
		}
		if left > 0 {
			return fmt.Errorf("store: %d case keys are not yet wrapped under key %s", left, cur)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM key_fingerprints WHERE kek_id <> ?`), cur); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, Actor{Role: string(grievance.RoleSystem)}, "key.rotation_finish", 0, map[string]any{"key": cur})
	})
}
