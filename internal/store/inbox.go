package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// InboxFilter selects the desk's cases. Zero values mean "any".
type InboxFilter struct {
	Stages        []grievance.CaseStage // default: every stage that is not final
	ReferralStage grievance.ReferralStage
	Overdue       bool
	DueWithinDays int
	MemberID      int64
	Country       string
	Category      grievance.Category
	Language      string
	Urgency       grievance.Urgency
	HandlerID     int64  // "assigned to me"
	Sort          string // "due" (default), "received", "reference"
	Page          int    // 1-based
	PerPage       int
}

// InboxRow is one case in the desk's list: clear metadata only, nothing sealed.
type InboxRow struct {
	ID         int64
	Reference  string
	Stage      grievance.CaseStage
	ReceivedAt time.Time
	DueAt      time.Time
	Overdue    bool
	Country    string
	Language   string
	Urgency    grievance.Urgency
	Channel    grievance.Channel
	Categories []grievance.Category
	MemberIDs  []int64
}

// Inbox is one page of the desk's list with its counts.
type Inbox struct {
	Rows        []InboxRow
	Total       int                         // cases matching the filter
	StageCounts map[grievance.CaseStage]int // open cases per stage, under the other filters
	Page        int
	PerPage     int
}

// openStages are the stages the desk works on.
func openStages() []grievance.CaseStage {
	var out []grievance.CaseStage
	for _, s := range grievance.CaseStages {
		if !s.Final() {
			out = append(out, s)
		}
	}
	return out
}

// inboxWhere builds the filter's conditions; withStage false leaves out the stage condition (for
// the per-stage counts).
func (f InboxFilter) where(now time.Time, withStage bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	stages := f.Stages
	if len(stages) == 0 {
		stages = openStages()
	}
	if withStage {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(stages)), ", ")
		a := make([]any, len(stages))
		for i, s := range stages {
			a[i] = string(s)
		}
		add("c.stage IN ("+ph+")", a...)
	}
	if f.Overdue {
		add("c.due_at <= ?", utc(now))
	} else if f.DueWithinDays > 0 {
		add("c.due_at <= ?", utc(now.AddDate(0, 0, f.DueWithinDays)))
	}
	if f.ReferralStage != "" {
		add("c.id IN (SELECT case_id FROM referrals WHERE stage = ?)", string(f.ReferralStage))
	}
	if f.MemberID != 0 {
		add("c.id IN (SELECT case_id FROM case_companies WHERE member_id = ?)", f.MemberID)
	}
	if f.Country != "" {
		add("c.country = ?", f.Country)
	}
	if f.Category != "" {
		add("c.id IN (SELECT case_id FROM case_categories WHERE category = ?)", string(f.Category))
	}
	if f.Language != "" {
		add("c.language = ?", f.Language)
	}
	if f.Urgency != "" {
		add("c.urgency = ?", string(f.Urgency))
	}
	if f.HandlerID != 0 {
		add("c.handler_id = ?", f.HandlerID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Inbox lists one page of cases under a filter, with counts. Only clear metadata is read, so the
// list never needs a case key.
func (s *Store) Inbox(ctx context.Context, f InboxFilter, now time.Time) (Inbox, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	order := "c.due_at ASC NULLS LAST, c.id ASC"
	switch f.Sort {
	case "received":
		order = "c.received_at DESC, c.id DESC"
	case "reference":
		order = "c.id DESC" // ids follow filing order, as references do
	}
	where, args := f.where(now, true)
	out := Inbox{Page: f.Page, PerPage: f.PerPage, StageCounts: map[grievance.CaseStage]int{}}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT c.id, c.reference, c.stage, c.received_at, c.due_at, c.country, c.language, c.urgency, c.channel
		FROM cases c`+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`), append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return out, err
	}
	index := map[int64]int{}
	for rows.Next() {
		var r InboxRow
		var stage, urgency, channel string
		var due sql.NullTime
		if err := rows.Scan(&r.ID, &r.Reference, &stage, &r.ReceivedAt, &due, &r.Country, &r.Language, &urgency, &channel); err != nil {
			rows.Close()
			return out, err
		}
		r.Stage, r.Urgency, r.Channel, r.DueAt = grievance.CaseStage(stage), grievance.Urgency(urgency), grievance.Channel(channel), due.Time
		r.Overdue = grievance.Overdue(r.DueAt, now)
		index[r.ID] = len(out.Rows)
		out.Rows = append(out.Rows, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if err := s.inboxDetails(ctx, &out, index); err != nil {
		return out, err
	}
	if err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM cases c`+where), args...).Scan(&out.Total); err != nil {
		return out, err
	}
	// Counts per open stage under the other filters, for the stage tabs.
	countFilter := f
	countFilter.Stages = nil
	cwhere, cargs := countFilter.where(now, true)
	crows, err := s.read.QueryContext(ctx, s.q(`SELECT c.stage, COUNT(*) FROM cases c`+cwhere+` GROUP BY c.stage`), cargs...)
	if err != nil {
		return out, err
	}
	defer crows.Close()
	for crows.Next() {
		var st string
		var n int
		if err := crows.Scan(&st, &n); err != nil {
			return out, err
		}
		out.StageCounts[grievance.CaseStage(st)] = n
	}
	return out, crows.Err()
}

// inboxDetails adds each listed case's categories and member companies in two queries.
func (s *Store) inboxDetails(ctx context.Context, out *Inbox, index map[int64]int) error {
	if len(out.Rows) == 0 {
		return nil
	}
	ids := make([]any, len(out.Rows))
	for i, r := range out.Rows {
		ids[i] = r.ID
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT case_id, category FROM case_categories WHERE case_id IN `+in+` ORDER BY case_id, category`), ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return err
		}
		r := &out.Rows[index[id]]
		r.Categories = append(r.Categories, grievance.Category(c))
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, s.q(`SELECT case_id, member_id FROM case_companies WHERE member_id IS NOT NULL AND case_id IN `+in+` ORDER BY case_id, position`), ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, m int64
		if err := rows.Scan(&id, &m); err != nil {
			return err
		}
		r := &out.Rows[index[id]]
		r.MemberIDs = append(r.MemberIDs, m)
	}
	return rows.Err()
}
