package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// The administrator's side of member companies: every member, past ones too, and changes to
// names, sector and aliases.

// MemberRecord is a member company as the administrator sees it, including when it left.
type MemberRecord struct {
	Member
	LeftAt time.Time // zero while it is a member
}

// AliasKinds are the kinds of member_aliases, in the order pages show them.
var AliasKinds = []string{"group_company", "brand", "supplier"}

// CleanAliases trims names, drops empty ones and duplicates (of the same kind, ignoring case)
// and unknown kinds: what the member_aliases table can hold.
func CleanAliases(in []MemberAlias) []MemberAlias {
	seen := map[string]bool{}
	var out []MemberAlias
	for _, a := range in {
		a.Name = strings.TrimSpace(a.Name)
		known := false
		for _, k := range AliasKinds {
			known = known || a.Kind == k
		}
		key := a.Kind + "\x00" + strings.ToLower(a.Name)
		if a.Name == "" || !known || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, a)
	}
	return out
}

const memberColumns = `id, name_en, name_ja, sector, joined_at, left_at`

func scanMemberRecord(row interface{ Scan(...any) error }) (MemberRecord, error) {
	var m MemberRecord
	var left sql.NullTime
	err := row.Scan(&m.ID, &m.NameEN, &m.NameJA, &m.Sector, &m.JoinedAt, &left)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	m.LeftAt = left.Time
	return m, err
}

// Member returns one member company, current or past, with its aliases.
func (s *Store) Member(ctx context.Context, id int64) (MemberRecord, error) {
	m, err := scanMemberRecord(s.read.QueryRowContext(ctx, s.q(`SELECT `+memberColumns+` FROM members WHERE id = ?`), id))
	if err != nil {
		return m, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT kind, name FROM member_aliases WHERE member_id = ? ORDER BY kind, name`), id)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var a MemberAlias
		if err := rows.Scan(&a.Kind, &a.Name); err != nil {
			return m, err
		}
		m.Aliases = append(m.Aliases, a)
	}
	return m, rows.Err()
}

// AllMembers lists every member company, current ones first, by English name, with aliases.
func (s *Store) AllMembers(ctx context.Context) ([]MemberRecord, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+memberColumns+` FROM members ORDER BY left_at IS NOT NULL, lower(name_en)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberRecord
	index := map[int64]int{}
	for rows.Next() {
		m, err := scanMemberRecord(rows)
		if err != nil {
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

// MemberNameTaken reports whether another member (not except) has this English name, compared
// as the database's unique index compares it.
func (s *Store) MemberNameTaken(ctx context.Context, nameEN string, except int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM members WHERE lower(name_en) = lower(?) AND id <> ?`), strings.TrimSpace(nameEN), except).Scan(&n)
	return n > 0, err
}

// UpdateMember changes a member's names and sector and replaces its aliases with m.Aliases.
func (s *Store) UpdateMember(ctx context.Context, m Member, actor Actor) error {
	aliases := CleanAliases(m.Aliases)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE members SET name_en = ?, name_ja = ?, sector = ? WHERE id = ?`),
			strings.TrimSpace(m.NameEN), strings.TrimSpace(m.NameJA), strings.TrimSpace(m.Sector), m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM member_aliases WHERE member_id = ?`), m.ID); err != nil {
			return err
		}
		for _, a := range aliases {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO member_aliases (member_id, kind, name) VALUES (?, ?, ?)`), m.ID, a.Kind, a.Name); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, actor, "member.update", 0, map[string]any{"member": m.ID, "aliases": len(aliases)})
	})
}

// SetMemberLeft records that a member left the platform at at; a zero at makes it a member
// again. A member that left no longer appears in Members (reporters and handlers cannot pick
// it for new cases); its referrals stay as they are.
func (s *Store) SetMemberLeft(ctx context.Context, id int64, at time.Time, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE members SET left_at = ? WHERE id = ?`), nullTime(at), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		action := "member.left"
		if at.IsZero() {
			action = "member.rejoined"
		}
		return s.appendAudit(ctx, tx, actor, action, 0, map[string]any{"member": id})
	})
}
