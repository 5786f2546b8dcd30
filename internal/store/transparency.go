package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// RegisterCase is what the public register may know of a case taken up: categorical facts
// only. Narrative, identity, site and exact dates never leave the store through it.
type RegisterCase struct {
	Reference  string
	ReceivedAt time.Time
	UpdatedAt  time.Time // the latest change to the case or any of its referrals
	Country    string
	Categories []string
	Companies  []RegisterCompany // in the order the report named them
}

// RegisterCompany is one company concerned by a registered case.
type RegisterCompany struct {
	MemberID int64 // 0: not a member; its name is never published
	Relation string
	Stage    string // the referral's stage; empty when the company got no referral
}

// RegisterCases lists the cases received in [from, to) that were taken up (that have at least
// one referral), by reference.
func (s *Store) RegisterCases(ctx context.Context, from, to time.Time) ([]RegisterCase, error) {
	from, to = utc(from), utc(to)
	var out []RegisterCase
	index := map[int64]int{}
	var id int64
	var c RegisterCase
	err := s.eachRow(ctx, `SELECT c.id, c.reference, c.received_at, c.updated_at, c.country FROM cases c
		WHERE c.received_at >= ? AND c.received_at < ? AND EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)
		ORDER BY c.reference`, []any{from, to}, []any{&id, &c.Reference, &c.ReceivedAt, &c.UpdatedAt, &c.Country}, func() {
		index[id] = len(out)
		out = append(out, c)
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	var category string
	if err := s.eachRow(ctx, `SELECT k.case_id, k.category FROM case_categories k JOIN cases c ON c.id = k.case_id
		WHERE c.received_at >= ? AND c.received_at < ? ORDER BY k.case_id, k.category`, []any{from, to}, []any{&id, &category}, func() {
		if i, ok := index[id]; ok {
			out[i].Categories = append(out[i].Categories, category)
		}
	}); err != nil {
		return nil, err
	}
	var member sql.NullInt64
	var relation string
	var stage sql.NullString
	var updated sql.NullTime
	if err := s.eachRow(ctx, `SELECT cc.case_id, cc.member_id, cc.relation, r.stage, r.updated_at
		FROM case_companies cc JOIN cases c ON c.id = cc.case_id LEFT JOIN referrals r ON r.company_id = cc.id
		WHERE c.received_at >= ? AND c.received_at < ? ORDER BY cc.case_id, cc.position`, []any{from, to},
		[]any{&id, &member, &relation, &stage, &updated}, func() {
			i, ok := index[id]
			if !ok {
				return
			}
			out[i].Companies = append(out[i].Companies, RegisterCompany{MemberID: member.Int64, Relation: relation, Stage: stage.String})
			if updated.Valid && updated.Time.After(out[i].UpdatedAt) {
				out[i].UpdatedAt = updated.Time
			}
		}); err != nil {
		return nil, err
	}
	return out, nil
}

// MemberYear is one member company's referrals forwarded in a period, for its disclosure.
type MemberYear struct {
	Referrals   int
	Categories  Tally // categories of the cases behind the referrals
	Stages      Tally // the referrals' stages now
	Outcomes    Tally // of those concluded
	RemedyTypes Tally
}

// MemberFigures counts member's referrals forwarded in [from, to).
func (s *Store) MemberFigures(ctx context.Context, memberID int64, from, to time.Time) (*MemberYear, error) {
	from, to = utc(from), utc(to)
	m := &MemberYear{Categories: Tally{}, Stages: Tally{}, Outcomes: Tally{}, RemedyTypes: Tally{}}
	var stage, outcome, remedies string
	err := s.eachRow(ctx, `SELECT stage, outcome, remedy_types FROM referrals WHERE member_id = ? AND forwarded_at >= ? AND forwarded_at < ?`,
		[]any{memberID, from, to}, []any{&stage, &outcome, &remedies}, func() {
			m.Referrals++
			m.Stages[stage]++
			if stage == string(grievance.ReferralConcluded) {
				m.Outcomes[outcome]++
			}
			for t := range strings.SplitSeq(remedies, ",") {
				if t != "" {
					m.RemedyTypes[t]++
				}
			}
		})
	if err != nil {
		return nil, err
	}
	var category string
	err = s.eachRow(ctx, `SELECT k.category FROM referrals r JOIN case_categories k ON k.case_id = r.case_id
		WHERE r.member_id = ? AND r.forwarded_at >= ? AND r.forwarded_at < ?`,
		[]any{memberID, from, to}, []any{&category}, func() { m.Categories[category]++ })
	return m, err
}

// Lesson is the anonymised digest a handler wrote when closing a case.
type Lesson struct {
	ClosedAt   time.Time
	Categories []string
	Text       string
}

// Lessons opens the lessons learned of the cases closed in [from, to), for the annual report.
// Handlers write them as anonymised digests for exactly this use; reading them is audited once
// per report, with the number of lessons read.
func (s *Store) Lessons(ctx context.Context, from, to time.Time, actor Actor) ([]Lesson, error) {
	from, to = utc(from), utc(to)
	type sealed struct {
		id     int64
		closed time.Time
		blob   []byte
	}
	var list []sealed
	var one sealed
	if err := s.eachRow(ctx, `SELECT id, closed_at, lessons_sealed FROM cases
		WHERE stage = 'closed' AND closed_at >= ? AND closed_at < ? AND lessons_sealed IS NOT NULL ORDER BY closed_at`,
		[]any{from, to}, []any{&one.id, &one.closed, &one.blob}, func() { list = append(list, one) }); err != nil {
		return nil, err
	}
	out := make([]Lesson, 0, len(list))
	for _, l := range list {
		key, err := s.caseKey(ctx, s.read, l.id)
		if err != nil {
			return nil, err
		}
		text, err := key.OpenString(fieldLessons, l.blob)
		if err != nil {
			return nil, fmt.Errorf("open lessons: %w", err)
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		cats, err := s.deskCodes(ctx, `SELECT category FROM case_categories WHERE case_id = ? ORDER BY category`, l.id)
		if err != nil {
			return nil, err
		}
		out = append(out, Lesson{ClosedAt: l.closed, Categories: cats, Text: text})
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, actor, "report.lessons", 0, map[string]any{"from": from.Format(time.DateOnly), "count": len(out)})
	})
	return out, err
}

// PanelOpinion is a Stakeholder Panel member's opinion on a fiscal year.
type PanelOpinion struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// MaxOpinionRunes bounds an opinion.
const MaxOpinionRunes = 20000

// AddPanelOpinion records a panel member's opinion on fiscal year fy.
func (s *Store) AddPanelOpinion(ctx context.Context, fy int, body string, actor Actor) error {
	body = strings.TrimSpace(grievance.NormalizeNewlines(body))
	switch {
	case actor.Role != string(grievance.RolePanel):
		return ErrForbidden
	case body == "":
		return grievance.FieldErrors{"body": "required"}
	case utf8.RuneCountInString(body) > MaxOpinionRunes:
		return grievance.FieldErrors{"body": "too_long"}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO panel_opinions (fiscal_year, user_id, body, created_at) VALUES (?, ?, ?, ?)`),
			fy, actor.UserID, body, utc(s.now())); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "panel.opinion", 0, map[string]any{"fiscal_year": fy})
	})
}

// PanelOpinions lists the opinions on fiscal year fy, oldest first.
func (s *Store) PanelOpinions(ctx context.Context, fy int) ([]PanelOpinion, error) {
	var out []PanelOpinion
	var o PanelOpinion
	err := s.eachRow(ctx, `SELECT p.id, u.display_name, p.body, p.created_at FROM panel_opinions p JOIN users u ON u.id = p.user_id
		WHERE p.fiscal_year = ? ORDER BY p.id`, []any{fy}, []any{&o.ID, &o.Author, &o.Body, &o.CreatedAt}, func() { out = append(out, o) })
	return out, err
}

const registerThresholdKey = "register_min_group"

// DefaultRegisterThreshold is the smallest group of cases the register shows a combination for.
const DefaultRegisterThreshold = 3

// RegisterThreshold is the register's suppression threshold (a setting).
func (s *Store) RegisterThreshold(ctx context.Context) (int, error) {
	var v string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT value FROM settings WHERE key = ?`), registerThresholdKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultRegisterThreshold, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(v)
}

// SetRegisterThreshold changes the register's suppression threshold (1 to 50; 1 withholds
// nothing).
func (s *Store) SetRegisterThreshold(ctx context.Context, k int, actor Actor) error {
	if k < 1 || k > 50 {
		return grievance.FieldErrors{"register_threshold": "out_of_range"}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.putSetting(ctx, tx, registerThresholdKey, strconv.Itoa(k), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "settings.register", 0, map[string]any{"threshold": k})
	})
}

// ReporterNews counts the open cases and those whose reporter heard from the secretariat since
// since: how well the mechanism keeps people informed.
func (s *Store) ReporterNews(ctx context.Context, since time.Time) (open, informed int, err error) {
	var inf sql.NullInt64
	var stages []string
	args := []any{utc(since)}
	for _, st := range grievance.CaseStages {
		if !st.Final() {
			stages, args = append(stages, "?"), append(args, string(st))
		}
	}
	err = s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*), SUM(CASE WHEN last_reporter_news_at >= ? THEN 1 ELSE 0 END) FROM cases
		WHERE stage IN (`+strings.Join(stages, ", ")+`)`), args...).Scan(&open, &inf)
	return open, int(inf.Int64), err
}

// ClosedWithLessons counts the cases closed in [from, to) and those with lessons recorded.
func (s *Store) ClosedWithLessons(ctx context.Context, from, to time.Time) (closed, withLessons int, err error) {
	var with sql.NullInt64
	err = s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*), SUM(CASE WHEN lessons_sealed IS NOT NULL THEN 1 ELSE 0 END) FROM cases
		WHERE stage = 'closed' AND closed_at >= ? AND closed_at < ?`), utc(from), utc(to)).Scan(&closed, &with)
	return closed, int(with.Int64), err
}
