package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// CaseCompany is a company a case names, a member or not.
type CaseCompany struct {
	ID       int64
	MemberID int64
	Name     string // as the reporter typed it (opened from its seal)
	Relation grievance.Relation
}

// CaseCompanies lists the companies a case names, in the reporter's order.
func (s *Store) CaseCompanies(ctx context.Context, caseID int64) ([]CaseCompany, error) {
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, COALESCE(member_id, 0), name_sealed, relation FROM case_companies WHERE case_id = ? ORDER BY position`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseCompany
	for rows.Next() {
		var c CaseCompany
		var sealed []byte
		var rel string
		if err := rows.Scan(&c.ID, &c.MemberID, &sealed, &rel); err != nil {
			return nil, err
		}
		c.Relation = grievance.Relation(rel)
		if c.Name, err = key.OpenString(fieldCompanyName, sealed); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Referral is one company's part of a case.
type Referral struct {
	ID            int64
	CaseID        int64
	CompanyID     int64
	MemberID      int64
	Stage         grievance.ReferralStage
	ForwardedAt   time.Time
	DueAt         time.Time
	ShareIdentity bool
	Outcome       grievance.Outcome
	RemedyTypes   []grievance.RemedyType
}

// Referrals lists a case's referrals in the order they were made.
func (s *Store) Referrals(ctx context.Context, caseID int64) ([]Referral, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, case_id, company_id, COALESCE(member_id, 0), stage, forwarded_at, due_at, share_identity, outcome, remedy_types
		FROM referrals WHERE case_id = ? ORDER BY id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		var stage, outcome, remedies string
		var due sql.NullTime
		if err := rows.Scan(&r.ID, &r.CaseID, &r.CompanyID, &r.MemberID, &stage, &r.ForwardedAt, &due, &r.ShareIdentity, &outcome, &remedies); err != nil {
			return nil, err
		}
		r.Stage, r.Outcome, r.DueAt = grievance.ReferralStage(stage), grievance.Outcome(outcome), due.Time
		if remedies != "" {
			for _, t := range strings.Split(remedies, ",") {
				r.RemedyTypes = append(r.RemedyTypes, grievance.RemedyType(t))
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
