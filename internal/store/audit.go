package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/remedy-grievance/remedy/internal/audit"
)

// Actor is who does something, as the audit log records it. It never holds an address or a name.
type Actor struct {
	Role     string // a grievance.Role
	UserID   int64  // 0 for reporters and the system
	MemberID int64  // the company a member user acts for
}

func (a Actor) String() string {
	if a.UserID != 0 {
		return fmt.Sprintf("user:%d", a.UserID)
	}
	return a.Role
}

// appendAudit chains one entry onto the log inside tx. Taking audit_head with an UPDATE first
// locks it (PostgreSQL row lock; SQLite holds the write lock already), so concurrent
// transactions append one after another and the chain never forks.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, actor Actor, action string, caseID int64, detail map[string]any) error {
	var e audit.Entry
	if err := tx.QueryRowContext(ctx, s.q(`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`)).Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	d := []byte("{}")
	if len(detail) > 0 {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return err
		}
	}
	e.At, e.Actor, e.Action, e.CaseID, e.Detail = utc(s.now()), actor.String(), action, caseID, string(d)
	e.Hash = audit.Sum(e.PrevHash, e)
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		e.Seq, e.At, e.Actor, e.Action, nullInt(e.CaseID), e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE audit_head SET hash = ? WHERE id = 1`), e.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// AuditVerification is the result of walking the whole chain.
type AuditVerification struct {
	Entries int64
	Break   *audit.Break // nil when the chain holds
}

// VerifyAudit walks the audit log in order and reports the first broken link, including a log
// whose last entries were removed (the head remembers where the chain ended).
func (s *Store) VerifyAudit(ctx context.Context) (AuditVerification, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT seq, at, actor, action, COALESCE(case_id, 0), detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return AuditVerification{}, err
	}
	defer rows.Close()
	v := audit.NewVerifier()
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.CaseID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return AuditVerification{}, err
		}
		if err := v.Check(e); err != nil {
			return AuditVerification{Entries: v.Count, Break: err.(*audit.Break)}, nil
		}
	}
	if err := rows.Err(); err != nil {
		return AuditVerification{}, err
	}
	var headSeq int64
	var headHash []byte
	if err := s.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return AuditVerification{}, err
	}
	lastSeq, lastHash := v.Head()
	if headSeq != lastSeq || string(headHash) != string(lastHash) {
		return AuditVerification{Entries: v.Count, Break: &audit.Break{Seq: lastSeq + 1, Reason: fmt.Sprintf("the log ends at entry %d but %d entries were written (entries were removed from the end)", lastSeq, headSeq)}}, nil
	}
	return AuditVerification{Entries: v.Count}, nil
}
