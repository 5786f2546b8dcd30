package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// fieldReporterAddress seals the address a reporter left to hear of news on their case.
const fieldReporterAddress = "case.reporter_address"

// SetReporterAddress keeps the address a reporter gives to be told "there is news on your
// case", sealed with the case key like their identity; giving another replaces it. The audit
// entry records that an address was set, never the address.
func (s *Store) SetReporterAddress(ctx context.Context, caseID int64, addr string, actor Actor) error {
	addr = strings.TrimSpace(addr)
	if !grievance.ValidNotifyEmail(addr) {
		return grievance.FieldErrors{"notify_email": "invalid_email"}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.caseExistsTx(ctx, tx, caseID); err != nil {
			return err
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := s.putReporterAddress(ctx, tx, key, caseID, addr); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "reporter_address.set", caseID, nil)
	})
}

func (s *Store) putReporterAddress(ctx context.Context, tx *sql.Tx, key *seal.CaseKey, caseID int64, addr string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO reporter_addresses (case_id, address_sealed, added_at) VALUES (?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET address_sealed = excluded.address_sealed, added_at = excluded.added_at`),
		caseID, key.SealString(fieldReporterAddress, addr), utc(s.now()))
	return err
}

// RemoveReporterAddress forgets the reporter's address. Notifications still queued for it are
// not sent: the worker finds no address when their turn comes.
func (s *Store) RemoveReporterAddress(ctx context.Context, caseID int64, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM reporter_addresses WHERE case_id = ?`), caseID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, actor, "reporter_address.remove", caseID, nil)
	})
}

// HasReporterAddress says whether the reporter left an address, without opening it: the
// follow-up page says so, and never shows the address back.
func (s *Store) HasReporterAddress(ctx context.Context, caseID int64) (bool, error) {
	var one int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT 1 FROM reporter_addresses WHERE case_id = ?`), caseID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ReporterAddress opens the reporter's address for the worker that mails them; "" when they left
// none. It is read only to send, never shown.
func (s *Store) ReporterAddress(ctx context.Context, caseID int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT address_sealed FROM reporter_addresses WHERE case_id = ?`), caseID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return "", err
	}
	return key.OpenString(fieldReporterAddress, sealed)
}
