package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// A report sent twice — a double tap on Send, a reload of the receipt page, a client retrying
// after a timeout — must file one case, and the reporter must still be able to keep their
// receipt. The form carries a random one-time token (the API, the client's Idempotency-Key);
// the filing stores its keyed hash and the receipt sealed under a key derived from the token
// itself. The database alone, even with the key file, cannot open it: the token is only in the
// reporter's browser (or client). The sealed receipt is kept for FilingReceiptTTL, long enough
// for a reload, and dropped at the next filing after that; the token's row is kept for
// FilingTokenTTL, so a repeat after that still files nothing new.
const (
	FilingReceiptTTL = 30 * time.Minute
	FilingTokenTTL   = 7 * 24 * time.Hour
)

// FilingToken is what makes a filing happen once: the token and a digest of what was sent with
// it, so that the same token with other content is told apart from a repeat.
type FilingToken struct {
	Token  string
	Digest [sha256.Size]byte
}

// ErrFilingTokenUsed: the token already filed a case (FilingRepeat says which).
var ErrFilingTokenUsed = errors.New("this form was already sent")

// FiledRepeat is a case filed earlier with the same token.
type FiledRepeat struct {
	Filed               // Receipt is empty once FilingReceiptTTL has passed
	SameContent    bool // false: the token came back with something else
	ReceiptExpired bool
}

func (t FilingToken) hash(s *Store) []byte { return s.keys.TokenHash("filing/" + t.Token) }

func (t FilingToken) purpose() string { return "filing/" + t.Token }

// CreateCaseOnce files a report under a one-time token: ErrFilingTokenUsed if the token has
// filed a case already, including one filed at the same moment by a second request.
func (s *Store) CreateCaseOnce(ctx context.Context, r grievance.Report, actor Actor, once FilingToken) (Filed, error) {
	if once.Token == "" {
		return Filed{}, errors.New("empty filing token")
	}
	now := utc(s.now())
	f, err := s.createCase(ctx, r, actor, func(tx *sql.Tx, f Filed, _ *seal.CaseKey) error {
		sealed, err := s.keys.SealSecret(once.purpose(), append(once.Digest[:], f.Receipt...))
		if err != nil {
			return err
		}
		// Spent receipts are dropped here rather than by a timer: filings are frequent enough.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE filing_tokens SET receipt_sealed = NULL WHERE receipt_sealed IS NOT NULL AND created_at < ?`), now.Add(-FilingReceiptTTL)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM filing_tokens WHERE created_at < ?`), now.Add(-FilingTokenTTL)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO filing_tokens (token_hash, case_id, created_at, receipt_sealed) VALUES (?, ?, ?, ?)`), once.hash(s), f.CaseID, now, sealed)
		return err
	})
	if err != nil && strings.Contains(err.Error(), "filing_tokens") { // unique: the other request won
		return Filed{}, ErrFilingTokenUsed
	}
	return f, err
}

// FilingRepeat finds the case a token filed: ErrNotFound when it filed none (or so long ago
// that it was forgotten).
func (s *Store) FilingRepeat(ctx context.Context, once FilingToken) (FiledRepeat, error) {
	var f FiledRepeat
	var created time.Time
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT t.case_id, c.reference, t.created_at, t.receipt_sealed FROM filing_tokens t JOIN cases c ON c.id = t.case_id
		WHERE t.token_hash = ?`), once.hash(s)).Scan(&f.CaseID, &f.Reference, &created, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if s.now().Sub(created) > FilingTokenTTL {
		return FiledRepeat{}, ErrNotFound
	}
	if sealed == nil || s.now().Sub(created) > FilingReceiptTTL {
		f.ReceiptExpired = true
		return f, nil
	}
	plain, err := s.keys.OpenSecret(once.purpose(), sealed)
	if err != nil || len(plain) < sha256.Size {
		return FiledRepeat{}, errors.New("filing token: sealed receipt does not open")
	}
	f.SameContent = bytes.Equal(plain[:sha256.Size], once.Digest[:])
	if f.SameContent {
		// Someone else who sends the same token with other content learns only that it was used.
		f.Receipt = string(plain[sha256.Size:])
	} else {
		f.Reference = ""
	}
	return f, nil
}
