package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Screening's writes beyond a plain stage change: adding a company the reporter did not name,
// and accepting a case with what each company is shown.

// AddCaseCompany adds a company to the companies a case names: a member (by id) that the
// handler found concerned though the reporter did not name it, or any company by name. It
// returns the new case company's id; a member the case already names is not added twice.
func (s *Store) AddCaseCompany(ctx context.Context, caseID int64, c grievance.CompanyRef, actor Actor) (int64, error) {
	if actor.Role != string(grievance.RoleHandler) {
		return 0, ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.caseExistsTx(ctx, tx, caseID); err != nil {
			return err
		}
		var err error
		id, err = s.addCaseCompany(ctx, tx, s.lazyKey(ctx, tx, caseID), c, actor)
		return err
	})
	return id, err
}

func (s *Store) caseExistsTx(ctx context.Context, tx *sql.Tx, caseID int64) error {
	var one int
	err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM cases WHERE id = ?`), caseID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func (s *Store) addCaseCompany(ctx context.Context, tx *sql.Tx, key *txKey, c grievance.CompanyRef, actor Actor) (int64, error) {
	caseID := key.caseID
	c.Name = strings.TrimSpace(c.Name)
	if c.Relation == "" {
		c.Relation = "unknown"
	}
	if !c.Relation.Valid() {
		return 0, grievance.FieldErrors{"relation": "invalid_code"}
	}
	if c.MemberID == 0 && c.Name == "" {
		return 0, grievance.FieldErrors{"companies": "member_or_name"}
	}
	if c.MemberID != 0 {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM members WHERE id = ? AND left_at IS NULL`), c.MemberID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, grievance.FieldErrors{"member_id": "unknown_member"}
		}
		if err != nil {
			return 0, err
		}
		var existing int64
		err = tx.QueryRowContext(ctx, s.q(`SELECT id FROM case_companies WHERE case_id = ? AND member_id = ? ORDER BY position LIMIT 1`), caseID, c.MemberID).Scan(&existing)
		if err == nil {
			return existing, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	k, err := key.get()
	if err != nil {
		return 0, err
	}
	var position int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(position), -1) + 1 FROM case_companies WHERE case_id = ?`), caseID).Scan(&position); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO case_companies (case_id, position, member_id, name_sealed, relation, named_by_reporter) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		caseID, position, nullInt(c.MemberID), k.SealString(fieldCompanyName, c.Name), string(c.Relation), false).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.appendAudit(ctx, tx, actor, "case.company_add", caseID, map[string]any{"company": id, "member": c.MemberID})
}

// Acceptance accepts a case after screening and refers it to the companies concerned.
type Acceptance struct {
	CaseID    int64
	Actor     Actor
	Reason    string // optional, kept sealed in the stage history
	Referrals []AcceptedReferral
}

// AcceptedReferral is one company the case goes to and what that company is shown.
type AcceptedReferral struct {
	CompanyID       int64              // a company the case names (CaseCompany.ID), or
	MemberID        int64              // a member the reporter did not name, added to the case first
	Relation        grievance.Relation // of an added member; unknown when empty
	ShareIdentity   bool               // only with the reporter's consent (the rules refuse otherwise)
	SharedNarrative string             // the description as edited for this company
	Files           []int64            // the reporter's files this company may see
}

// ErrFileNotShareable is returned when a file chosen for a company is not one of the
// reporter's own files of this case, or has no copy free of metadata.
var ErrFileNotShareable = errors.New("this file cannot be shared with a company")

// AcceptCase adds the members the reporter did not name, moves the case to accepted with one
// referral per company (the rules decide), and records which of the reporter's files each
// company may see — all in one transaction, so a refused acceptance leaves the case as it was.
func (s *Store) AcceptCase(ctx context.Context, a Acceptance) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		key := s.lazyKey(ctx, tx, a.CaseID)
		if err := s.caseExistsTx(ctx, tx, a.CaseID); err != nil {
			return err
		}
		refs := make([]NewReferral, len(a.Referrals))
		seen := map[int64]bool{}
		for i, r := range a.Referrals {
			if r.CompanyID == 0 {
				id, err := s.addCaseCompany(ctx, tx, key, grievance.CompanyRef{MemberID: r.MemberID, Relation: r.Relation}, a.Actor)
				if err != nil {
					return err
				}
				a.Referrals[i].CompanyID = id
			}
			id := a.Referrals[i].CompanyID
			if seen[id] {
				return fmt.Errorf("company %d is referred twice", id)
			}
			seen[id] = true
			refs[i] = NewReferral{CompanyID: id, ShareIdentity: r.ShareIdentity, SharedNarrative: strings.TrimSpace(grievance.NormalizeNewlines(r.SharedNarrative))}
		}
		change := grievance.CaseChange{To: grievance.CaseAccepted, Role: grievance.Role(a.Actor.Role), Reason: a.Reason, Companies: len(refs)}
		if err := s.moveCase(ctx, tx, key, change, a.Actor, refs); err != nil {
			return err
		}
		for _, r := range a.Referrals {
			if len(r.Files) == 0 {
				continue
			}
			var referralID int64
			if err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM referrals WHERE case_id = ? AND company_id = ? ORDER BY id DESC LIMIT 1`), a.CaseID, r.CompanyID).Scan(&referralID); err != nil {
				return err
			}
			if err := s.shareFiles(ctx, tx, a.CaseID, referralID, r.Files, a.Actor); err != nil {
				return err
			}
		}
		return nil
	})
}

// shareFiles lets a referral's company see some of the reporter's files.
func (s *Store) shareFiles(ctx context.Context, tx *sql.Tx, caseID, referralID int64, files []int64, actor Actor) error {
	done := map[int64]bool{}
	for _, id := range files {
		if done[id] {
			continue
		}
		done[id] = true
		var contentType string
		var shareable, reporters bool
		err := tx.QueryRowContext(ctx, s.q(`SELECT a.content_type, a.shareable_sealed IS NOT NULL,
			a.message_id IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id AND m.thread = ? AND m.author_role = ?)
			FROM attachments a WHERE a.id = ? AND a.case_id = ?`), ThreadReporter, string(grievance.RoleReporter), id, caseID).
			Scan(&contentType, &shareable, &reporters)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrFileNotShareable
		}
		if err != nil {
			return err
		}
		if !reporters || !MayShareFile(AttachmentInfo{ContentType: contentType, Shareable: shareable}) {
			return ErrFileNotShareable
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO referral_attachments (referral_id, attachment_id) VALUES (?, ?)`), referralID, id); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, "referral.files", caseID, map[string]any{"referral": referralID, "files": len(done)})
}
