package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Member is a member company.
type Member struct {
	ID       int64
	NameEN   string
	NameJA   string
	Sector   string
	JoinedAt time.Time
	Aliases  []MemberAlias
}

// MemberAlias is a group company, brand or known supplier that reporters may name instead.
type MemberAlias struct {
	Kind string // group_company, brand, supplier
	Name string
}

// CreateMember adds a member company with its aliases.
func (s *Store) CreateMember(ctx context.Context, m Member, actor Actor) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		joined := m.JoinedAt
		if joined.IsZero() {
			joined = s.now()
		}
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO members (name_en, name_ja, sector, joined_at) VALUES (?, ?, ?, ?) RETURNING id`),
			strings.TrimSpace(m.NameEN), strings.TrimSpace(m.NameJA), m.Sector, utc(joined)).Scan(&id)
		if err != nil {
			return err
		}
		for _, a := range m.Aliases {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO member_aliases (member_id, kind, name) VALUES (?, ?, ?)`), id, a.Kind, strings.TrimSpace(a.Name)); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, actor, "member.create", 0, map[string]any{"member": id})
	})
	return id, err
}

// Members lists current members by English name, with their aliases.
func (s *Store) Members(ctx context.Context) ([]Member, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name_en, name_ja, sector, joined_at FROM members WHERE left_at IS NULL ORDER BY lower(name_en)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	index := map[int64]int{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.NameEN, &m.NameJA, &m.Sector, &m.JoinedAt); err != nil {
			return nil, err
		}
		index[m.ID] = len(out)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = s.memberAliases(ctx, func(id int64, a MemberAlias) {
		if i, ok := index[id]; ok {
			out[i].Aliases = append(out[i].Aliases, a)
		}
	})
	return out, err
}

// memberAliases calls add with every member's aliases, ordered by member, kind and name.
func (s *Store) memberAliases(ctx context.Context, add func(memberID int64, a MemberAlias)) error {
	rows, err := s.read.QueryContext(ctx, `SELECT member_id, kind, name FROM member_aliases ORDER BY member_id, kind, name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a MemberAlias
		if err := rows.Scan(&id, &a.Kind, &a.Name); err != nil {
			return err
		}
		add(id, a)
	}
	return rows.Err()
}

// DisplayName is the member's name in lang where it has one (Japanese), else in English.
func (m Member) DisplayName(lang string) string {
	if lang == "ja" && m.NameJA != "" {
		return m.NameJA
	}
	return m.NameEN
}
