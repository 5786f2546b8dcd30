package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// ExpertParties is what an assigned expert may see before declaring: enough to judge a conflict
// of interest — who the case is about, where and on what — and nothing of what the reporter
// said, who they are, or their files.
type ExpertParties struct {
	Reference  string
	Country    string
	Categories []grievance.Category
	Companies  []ExpertParty
}

// ExpertParty is one company the case concerns.
type ExpertParty struct {
	Name         string // as the reporter named it: a member's supplier, say
	Relation     grievance.Relation
	MemberNameEN string // the member company it is linked to, if any
	MemberNameJA string
}

// Member is the linked member's name in lang, "" for a company that is no member's.
func (p ExpertParty) Member(lang string) string {
	if lang == "ja" && p.MemberNameJA != "" {
		return p.MemberNameJA
	}
	return p.MemberNameEN
}

// ExpertParties loads the parties of a case for an expert assigned to it who has not declared a
// conflict (before or after declaring none); ErrNotFound otherwise. Only the company names are
// opened from their seals.
func (s *Store) ExpertParties(ctx context.Context, caseID, expertUserID int64) (*ExpertParties, error) {
	var conflict sql.NullTime
	v := &ExpertParties{}
	err := s.read.QueryRowContext(ctx, s.q(`SELECT c.reference, c.country, e.conflict_at FROM case_experts e JOIN cases c ON c.id = e.case_id
		WHERE e.case_id = ? AND e.user_id = ?`), caseID, expertUserID).Scan(&v.Reference, &v.Country, &conflict)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && conflict.Valid) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT cc.name_sealed, cc.relation, COALESCE(m.name_en, ''), COALESCE(m.name_ja, '')
		FROM case_companies cc LEFT JOIN members m ON m.id = cc.member_id WHERE cc.case_id = ? ORDER BY cc.position`), caseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p ExpertParty
		var name []byte
		var relation string
		if err := rows.Scan(&name, &relation, &p.MemberNameEN, &p.MemberNameJA); err != nil {
			rows.Close()
			return nil, err
		}
		p.Relation = grievance.Relation(relation)
		if name != nil {
			if p.Name, err = key.OpenString(fieldCompanyName, name); err != nil {
				rows.Close()
				return nil, err
			}
		}
		v.Companies = append(v.Companies, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cats, err := s.read.QueryContext(ctx, s.q(`SELECT category FROM case_categories WHERE case_id = ? ORDER BY category`), caseID)
	if err != nil {
		return nil, err
	}
	defer cats.Close()
	for cats.Next() {
		var c string
		if err := cats.Scan(&c); err != nil {
			return nil, err
		}
		v.Categories = append(v.Categories, grievance.Category(c))
	}
	return v, cats.Err()
}
