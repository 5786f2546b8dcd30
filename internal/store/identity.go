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

// CaseIdentity opens a reporter's identity for a handler. Members and experts read it only
// through their scoped reads (MemberReferralIdentity, ExpertIdentity), which check the referral
// or assignment too.
func (s *Store) CaseIdentity(ctx context.Context, caseID int64, actor Actor) (Identity, error) {
	if actor.Role != string(grievance.RoleHandler) {
		return Identity{}, ErrForbidden
	}
	var id Identity
	err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
		id, err = s.openIdentity(ctx, tx, caseID, actor, nil)
		return err
	})
	return id, err
}

// openIdentity opens a case's identity for actor if grievance.MayViewIdentity lets their role see
// it (the caller has checked their scope), and audits the display in the same transaction, so
// that no identity is ever shown without its audit entry.
func (s *Store) openIdentity(ctx context.Context, tx *sql.Tx, caseID int64, actor Actor, detail map[string]any) (Identity, error) {
	var id Identity
	var name, contact []byte
	err := tx.QueryRowContext(ctx, s.q(`SELECT anonymous, consent_share_identity, identity_name_sealed, identity_contact_sealed FROM cases WHERE id = ?`), caseID).
		Scan(&id.Anonymous, &id.Consent, &name, &contact)
	if errors.Is(err, sql.ErrNoRows) {
		return Identity{}, ErrNotFound
	}
	if err != nil {
		return Identity{}, err
	}
	if !grievance.MayViewIdentity(grievance.Role(actor.Role), id.Consent) {
		return Identity{}, ErrForbidden
	}
	key, err := s.caseKey(ctx, tx, caseID)
	if err != nil {
		return Identity{}, err
	}
	if id.Name, err = key.OpenString(fieldIdentityName, name); err != nil {
		return Identity{}, err
	}
	if id.Contact, err = key.OpenString(fieldIdentityContact, contact); err != nil {
		return Identity{}, err
	}
	if err := s.appendAudit(ctx, tx, actor, "identity.show", caseID, detail); err != nil {
		return Identity{}, err // never an identity without its audit entry
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
