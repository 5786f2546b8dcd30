package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The figures table (migration 00006) holds running counts per calendar month in the platform's
// zone, added to in the same transaction as the facts they count, so a fiscal year's statistics
// add up twelve months of counts instead of reading every case. Only facts that never change are
// counted this way: a case's intake facts, a referral's company, and each stage move (with the
// days its stage lasted, whether it was late, and its code). Figures that change (a case's
// current stage, a rating) are read from the cases themselves.
//
// Measures and their codes:
//
//	channel, language, reporter_type, country, category   intake facts, by month received
//	referral_member   member id ("0" for a non-member), by month forwarded
//	move              "from>to|days|overdue|code", by month of the move; days and overdue may be
//	                  empty (unknown), overdue is "0" or "1"
//
// Only public cases are counted (grievance.CountsInPublic): a case's facts and moves enter the
// table in the transaction of the move that makes it public.
const figuresVersion = "2" // 2: only cases screening let through (cases.public, migration 00009)

type figureKey struct{ month, measure, code string }

type figureCounts map[figureKey]int

func (s *Store) monthOf(at time.Time) string {
	return at.In(s.Timeline().Zone).Format("2006-01")
}

func (c figureCounts) intake(month, channel, lang, reporterType, country string, categories []string) {
	c[figureKey{month, "channel", channel}]++
	c[figureKey{month, "language", lang}]++
	c[figureKey{month, "reporter_type", reporterType}]++
	c[figureKey{month, "country", country}]++
	for _, cat := range categories {
		c[figureKey{month, "category", cat}]++
	}
}

func (c figureCounts) referral(month string, memberID int64) {
	c[figureKey{month, "referral_member", strconv.FormatInt(memberID, 10)}]++
}

func (c figureCounts) move(month, from, to string, days, overdue any, code string) {
	d, o := "", ""
	if n, ok := days.(int64); ok {
		d = strconv.FormatInt(n, 10)
	}
	if b, ok := overdue.(bool); ok {
		o = "0"
		if b {
			o = "1"
		}
	}
	c[figureKey{month, "move", from + ">" + to + "|" + d + "|" + o + "|" + code}]++
}

// storedMove counts a move read back from stage_events, where an unknown duration or lateness
// is NULL.
func (c figureCounts) storedMove(month, from, to string, days sql.NullInt64, overdue sql.NullBool, code string) {
	var d, o any
	if days.Valid {
		d = days.Int64
	}
	if overdue.Valid {
		o = overdue.Bool
	}
	c.move(month, from, to, d, o, code)
}

// moveFigure is one kind of stage move counted in figures.
type moveFigure struct {
	From, To string
	Days     int // whole days the stage From lasted; -1 when unknown
	Overdue  int // 1 late, 0 in time, -1 unknown
	Code     string
}

func parseMove(code string) (moveFigure, bool) {
	parts := strings.SplitN(code, "|", 4)
	if len(parts) != 4 {
		return moveFigure{}, false
	}
	from, to, ok := strings.Cut(parts[0], ">")
	if !ok {
		return moveFigure{}, false
	}
	m := moveFigure{From: from, To: to, Days: -1, Overdue: -1, Code: parts[3]}
	if parts[1] != "" {
		n, err := strconv.Atoi(parts[1])
		if err != nil {
			return moveFigure{}, false
		}
		m.Days = n
	}
	switch parts[2] {
	case "0":
		m.Overdue = 0
	case "1":
		m.Overdue = 1
	}
	return m, true
}

// addFigures adds counts inside tx, many rows per statement.
func (s *Store) addFigures(ctx context.Context, tx *sql.Tx, c figureCounts) error {
	if len(c) == 0 {
		return nil
	}
	t := &bulkTable{name: "figures", cols: []string{"month", "measure", "code", "n"},
		suffix: " ON CONFLICT (month, measure, code) DO UPDATE SET n = figures.n + excluded.n"}
	t.args = make([]any, 0, 4*len(c))
	for k, n := range c {
		t.args = append(t.args, k.month, k.measure, k.code, n)
	}
	return s.bulkInsert(ctx, tx, t)
}

// rebuildFiguresIfNeeded counts every stored fact again when the figures table is new (the first
// start after migration 00006) or its meaning changed.
func (s *Store) rebuildFiguresIfNeeded(ctx context.Context) error {
	var version string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT value FROM settings WHERE key = ?`), figuresVersionKey).Scan(&version)
	if err == nil && version == figuresVersion {
		return nil
	}
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	start := time.Now()
	n, err := s.rebuildFigures(ctx)
	if err != nil {
		return fmt.Errorf("rebuild statistics figures: %w", err)
	}
	if n > 0 {
		slog.Info("statistics figures rebuilt from the stored cases", "counts", n, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

const figuresVersionKey = "figures_version"

// RebuildFigures recounts the figures table from the cases, referrals and stage events. It is
// what the running counts must always equal (a test checks this after every kind of write).
func (s *Store) RebuildFigures(ctx context.Context) error {
	_, err := s.rebuildFigures(ctx)
	return err
}

func (s *Store) rebuildFigures(ctx context.Context) (int, error) {
	c, err := s.countFigures(ctx)
	if err != nil {
		return 0, err
	}
	return len(c), s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM figures`); err != nil {
			return err
		}
		if err := s.addFigures(ctx, tx, c); err != nil {
			return err
		}
		return s.putSetting(ctx, tx, figuresVersionKey, figuresVersion, s.now())
	})
}

func (s *Store) countFigures(ctx context.Context) (figureCounts, error) {
	c := figureCounts{}
	var received, at time.Time
	var channel, lang, reporterType, country, category, from, to, code string
	var member sql.NullInt64
	var days sql.NullInt64
	var overdue sql.NullBool
	if err := s.eachRow(ctx, `SELECT received_at, channel, language, reporter_type, country FROM cases WHERE public`, nil,
		[]any{&received, &channel, &lang, &reporterType, &country}, func() {
			c.intake(s.monthOf(received), channel, lang, reporterType, country, nil)
		}); err != nil {
		return nil, err
	}
	if err := s.eachRow(ctx, `SELECT c.received_at, k.category FROM case_categories k JOIN cases c ON c.id = k.case_id WHERE c.public`, nil,
		[]any{&received, &category}, func() { c[figureKey{s.monthOf(received), "category", category}]++ }); err != nil {
		return nil, err
	}
	if err := s.eachRow(ctx, `SELECT forwarded_at, member_id FROM referrals`, nil,
		[]any{&at, &member}, func() { c.referral(s.monthOf(at), member.Int64) }); err != nil {
		return nil, err
	}
	if err := s.eachRow(ctx, `SELECT e.at, e.from_stage, e.to_stage, e.stage_days, e.overdue, e.code FROM stage_events e
		JOIN cases c ON c.id = e.case_id WHERE c.public AND e.from_stage <> ''`, nil,
		[]any{&at, &from, &to, &days, &overdue, &code}, func() { c.storedMove(s.monthOf(at), from, to, days, overdue, code) }); err != nil {
		return nil, err
	}
	return c, nil
}

// figureRows reads the counts of the months in [fromMonth, toMonth) ("2006-01"), summed over
// the months.
func (s *Store) figureRows(ctx context.Context, fromMonth, toMonth string, fn func(measure, code string, n int)) error {
	var measure, code string
	var n int
	return s.eachRow(ctx, `SELECT measure, code, SUM(n) FROM figures WHERE month >= ? AND month < ? GROUP BY measure, code`,
		[]any{fromMonth, toMonth}, []any{&measure, &code, &n}, func() { fn(measure, code, n) })
}

// eachRow runs a read query and calls fn after scanning each row into dest.
func (s *Store) eachRow(ctx context.Context, query string, args []any, dest []any, fn func()) error {
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn()
	}
	return rows.Err()
}

// CheckFigures recounts the figures from the stored facts and lists every count that differs
// from the running one ("2026-04 move received>acknowledged|0|0|: running 3, recount 4"); empty
// when they agree.
func (s *Store) CheckFigures(ctx context.Context) ([]string, error) {
	want, err := s.countFigures(ctx)
	if err != nil {
		return nil, err
	}
	got := figureCounts{}
	var k figureKey
	var n int
	if err := s.eachRow(ctx, `SELECT month, measure, code, n FROM figures`, nil, []any{&k.month, &k.measure, &k.code, &n},
		func() { got[k] = n }); err != nil {
		return nil, err
	}
	var drift []string
	for key, n := range got {
		if want[key] != n {
			drift = append(drift, fmt.Sprintf("%s %s %s: running %d, recount %d", key.month, key.measure, key.code, n, want[key]))
		}
	}
	for key, n := range want {
		if _, ok := got[key]; !ok {
			drift = append(drift, fmt.Sprintf("%s %s %s: running 0, recount %d", key.month, key.measure, key.code, n))
		}
	}
	slices.Sort(drift)
	return drift, nil
}

// caseFigures counts one case's intake facts and moves inside tx: what it adds to the figures
// when it becomes public.
func (s *Store) caseFigures(ctx context.Context, tx *sql.Tx, caseID int64) (figureCounts, error) {
	c := figureCounts{}
	var received, at time.Time
	var channel, lang, reporterType, country, from, to, code string
	if err := tx.QueryRowContext(ctx, s.q(`SELECT received_at, channel, language, reporter_type, country FROM cases WHERE id = ?`), caseID).
		Scan(&received, &channel, &lang, &reporterType, &country); err != nil {
		return nil, err
	}
	month := s.monthOf(received)
	var categories []string
	rows, err := tx.QueryContext(ctx, s.q(`SELECT category FROM case_categories WHERE case_id = ?`), caseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var cat string
		if err := rows.Scan(&cat); err != nil {
			rows.Close()
			return nil, err
		}
		categories = append(categories, cat)
	}
	rows.Close()
	c.intake(month, channel, lang, reporterType, country, categories)
	rows, err = tx.QueryContext(ctx, s.q(`SELECT at, from_stage, to_stage, stage_days, overdue, code FROM stage_events
		WHERE case_id = ? AND from_stage <> ''`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var days sql.NullInt64
		var overdue sql.NullBool
		if err := rows.Scan(&at, &from, &to, &days, &overdue, &code); err != nil {
			return nil, err
		}
		c.storedMove(s.monthOf(at), from, to, days, overdue, code)
	}
	return c, rows.Err()
}
