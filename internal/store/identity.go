package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Identity is who reported and how to reach them.
type Identity struct {
	Anonymous bool
	Consent   bool // to share the identity with the companies concerned
	Name      string
	Contact   string
}

// ErrForbidden is returned when the rules do not let the actor see what was asked.
var ErrForbidden = errors.New("forbidden")

// CaseIdentity opens a reporter's identity for a handler. Every display is audited, in the same
// transaction as the read, so no identity is ever shown without its audit entry.
func (s *Store) CaseIdentity(ctx context.Context, caseID int64, actor Actor) (Identity, error) {
	var id Identity
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var name, contact []byte
		err := tx.QueryRowContext(ctx, s.q(`SELECT anonymous, consent_share_identity, identity_name_sealed, identity_contact_sealed FROM cases WHERE id = ?`), caseID).
			Scan(&id.Anonymous, &id.Consent, &name, &contact)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// Members and experts read an identity only through their scoped reads
		// (MemberReferralIdentity, ExpertIdentity), which check the referral or assignment too.
		if actor.Role != string(grievance.RoleHandler) || !grievance.MayViewIdentity(grievance.Role(actor.Role), id.Consent) {
			return ErrForbidden
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if id.Name, err = key.OpenString(fieldIdentityName, name); err != nil {
			return err
		}
		if id.Contact, err = key.OpenString(fieldIdentityContact, contact); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "identity.show", caseID, nil)
	})
	if err != nil {
		return Identity{}, err
	}
	return id, nil
}

// AuditEntries lists the actions audited for a case, oldest first.
func (s *Store) AuditEntries(ctx context.Context, caseID int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT actor, action FROM audit_log WHERE case_id = ? ORDER BY seq`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var actor, action string
		if err := rows.Scan(&actor, &action); err != nil {
			return nil, err
		}
		out = append(out, actor+" "+action)
	}
	return out, rows.Err()
}
