package store

import (
	"context"
	"database/sql"
	"fmt"
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
	// Viewer is the handler looking: each row says whether it holds something new to them.
	Viewer int64
	// Attention lists the open cases that need the viewer's attention, in the order of
	// grievance.AttentionOf, each part by deadline; the other filters and Sort do not apply.
	Attention bool
	Page      int // 1-based
	PerPage   int
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
	Fears      bool // the reporter fears retaliation
	// New: someone other than the viewer wrote or moved the case since the viewer last opened
	// it; NewMessage: the same for messages alone. Both false without a viewer.
	New, NewMessage bool
	Attention       grievance.Attention
}

// Inbox is one page of the desk's list with its counts.
type Inbox struct {
	Rows        []InboxRow
	Total       int                         // cases matching the filter; InboxCountCap when TotalCapped
	TotalCapped bool                        // more than InboxCountCap cases match: show "1,000+"
	StageCounts map[grievance.CaseStage]int // open cases per stage, under the other filters; exact
	Page        int
	PerPage     int
}

// InboxCountCap bounds the total of a list that takes in final stages, which can run to most of
// a million cases; open cases are fewer and always counted exactly. On the seeded million (SQLite),
// counting to 10,000 under a filter no single index answers (country and category) took 25 ms of
// the 50 ms a page may take; counting to 1,000 takes 3.
const InboxCountCap = 1000

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

// openStageSQL lists the open stages as literals, as migration 00004's partial indexes do: SQLite
// and PostgreSQL use a partial index only in a query that repeats its condition.
var openStageSQL = func() string {
	var b []string
	for _, s := range openStages() {
		b = append(b, "'"+string(s)+"'")
	}
	return strings.Join(b, ", ")
}()

// inboxPlan is a filter sorted out into the conditions its statements need. Open cases always
// have a deadline and final ones never do (grievance.Timeline.CaseDue): the plan relies on it to
// order open cases by deadline without NULLS LAST, which no SQLite index can give.
type inboxPlan struct {
	f        InboxFilter
	now      time.Time
	stages   []grievance.CaseStage // without repeats
	openOnly bool                  // no final stage: the indexes over open cases apply
	allOpen  bool                  // exactly the open stages
	every    bool                  // every stage: no stage condition at all
	joins    []joinFilter
}

// joinFilter is a filter that another table answers. Its rows carry a copy of their case's stage
// and deadline (migration 00004), so its partial index lists open cases by deadline.
type joinFilter struct {
	table, column, index string
	value                any
	repeats              bool // a case may have several matching rows
}

// exists tests the filter on the case whose id is the SQL expression id.
func (j joinFilter) exists(id string) (string, any) {
	return "EXISTS (SELECT 1 FROM " + j.table + " x WHERE x.case_id = " + id + " AND x." + j.column + " = ?)", j.value
}

func newInboxPlan(f InboxFilter, now time.Time) *inboxPlan {
	p := &inboxPlan{f: f, now: now, openOnly: true, allOpen: true, every: true}
	stages := f.Stages
	if len(stages) == 0 {
		stages = openStages()
	}
	seen := map[grievance.CaseStage]bool{}
	for _, s := range stages {
		if !seen[s] {
			seen[s] = true
			p.stages = append(p.stages, s)
		}
		p.openOnly = p.openOnly && !s.Final()
	}
	for _, s := range grievance.CaseStages {
		p.every = p.every && seen[s]
		if !s.Final() {
			p.allOpen = p.allOpen && seen[s]
		}
	}
	p.allOpen = p.allOpen && p.openOnly
	// The category first: a case has each category once, so its index needs no DISTINCT.
	if f.Category != "" {
		p.joins = append(p.joins, joinFilter{table: "case_categories", column: "category", index: "case_categories_open", value: string(f.Category)})
	}
	if f.MemberID != 0 {
		p.joins = append(p.joins, joinFilter{table: "case_companies", column: "member_id", index: "case_companies_open", value: f.MemberID, repeats: true})
	}
	if f.ReferralStage != "" {
		p.joins = append(p.joins, joinFilter{table: "referrals", column: "stage", index: "referrals_open", value: string(f.ReferralStage), repeats: true})
	}
	return p
}

// part is the plan for the filter's open stages (open true) or final ones.
func (p *inboxPlan) part(open bool) *inboxPlan {
	f := p.f
	f.Stages = nil
	for _, s := range p.stages {
		if s.Final() != open {
			f.Stages = append(f.Stages, s)
		}
	}
	return newInboxPlan(f, p.now)
}

func (p *inboxPlan) finalOnly() bool {
	for _, s := range p.stages {
		if !s.Final() {
			return false
		}
	}
	return true
}

func (p *inboxPlan) byDue() bool { return p.f.Sort != "received" && p.f.Sort != "reference" }

// sqlWhere collects conditions and their arguments in step.
type sqlWhere struct {
	conds []string
	args  []any
}

func (w *sqlWhere) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *sqlWhere) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// stageConds adds the stage condition on col: the filter's stages, or for the stage counts every
// open stage.
func (p *inboxPlan) stageConds(w *sqlWhere, col string, counts bool) {
	switch {
	case counts:
		w.add(col + " IN (" + openStageSQL + ")")
	case p.every:
	case p.openOnly:
		w.add(col + " IN (" + openStageSQL + ")")
		if !p.allOpen {
			p.stageList(w, col)
		}
	default:
		p.stageList(w, col)
	}
}

func (p *inboxPlan) stageList(w *sqlWhere, col string) {
	args := make([]any, len(p.stages))
	for i, s := range p.stages {
		args[i] = string(s)
	}
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
}

func (p *inboxPlan) dueConds(w *sqlWhere, col string) {
	if p.f.Overdue {
		w.add(col+" <= ?", utc(p.now))
	} else if p.f.DueWithinDays > 0 {
		w.add(col+" <= ?", utc(p.now.AddDate(0, 0, p.f.DueWithinDays)))
	}
}

// caseConds adds the conditions on the cases table's own columns (alias c).
func (p *inboxPlan) caseConds(w *sqlWhere) {
	f := p.f
	if f.Country != "" {
		w.add("c.country = ?", f.Country)
	}
	if f.Language != "" {
		w.add("c.language = ?", f.Language)
	}
	if f.Urgency != "" {
		w.add("c.urgency = ?", string(f.Urgency))
	}
	if f.HandlerID != 0 {
		w.add("c.handler_id = ?", f.HandlerID)
	}
}

func (p *inboxPlan) hasCaseConds() bool {
	f := p.f
	return f.Country != "" || f.Language != "" || f.Urgency != "" || f.HandlerID != 0
}

// indexed names the index SQLite must walk: without statistics it takes "stage IN (…)" for a
// handful of rows and sorts 100,000. PostgreSQL plans from its own statistics.
func (s *Store) indexed(index string) string {
	switch {
	case s.dialect != SQLite || index == "":
		return ""
	case index == "NOT INDEXED":
		return " NOT INDEXED"
	}
	return " INDEXED BY " + index
}

// fromJoin is FROM and WHERE led by the first join filter's index over open cases (alias d), for
// open stages only.
func (s *Store) fromJoin(p *inboxPlan, counts bool) (string, []any) {
	d := p.joins[0]
	var w sqlWhere
	from := " FROM " + d.table + " d" + s.indexed(d.index)
	if p.hasCaseConds() {
		// CROSS JOIN keeps SQLite on d's index, in its order.
		from += " CROSS JOIN cases c"
		w.add("c.id = d.case_id")
	}
	w.add("d."+d.column+" = ?", d.value)
	p.stageConds(&w, "d.case_stage", counts)
	p.dueConds(&w, "d.case_due_at")
	for _, j := range p.joins[1:] {
		w.add(j.exists("d.case_id"))
	}
	p.caseConds(&w)
	return from + w.String(), w.args
}

// fromCases is FROM and WHERE on the cases table (alias c).
func (s *Store) fromCases(p *inboxPlan, counts bool, index string) (string, []any) {
	var w sqlWhere
	p.stageConds(&w, "c.stage", counts)
	p.dueConds(&w, "c.due_at")
	p.caseConds(&w)
	for _, j := range p.joins {
		w.add(j.exists("c.id"))
	}
	return " FROM cases c" + s.indexed(index) + w.String(), w.args
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
	if f.Attention {
		return s.attention(ctx, f, now)
	}
	p := newInboxPlan(f, now)
	out := Inbox{Page: f.Page, PerPage: f.PerPage, StageCounts: map[grievance.CaseStage]int{}}
	if err := s.inboxStageCounts(ctx, p, out.StageCounts); err != nil {
		return out, err
	}
	if p.openOnly {
		for _, st := range p.stages {
			out.Total += out.StageCounts[st]
		}
	} else {
		from, args := s.fromCases(p, false, "")
		query := `SELECT COUNT(*) FROM (SELECT 1` + from + ` LIMIT ?) t`
		if err := s.read.QueryRowContext(ctx, s.q(query), append(args, InboxCountCap+1)...).Scan(&out.Total); err != nil {
			return out, err
		}
		if out.Total > InboxCountCap {
			out.Total, out.TotalCapped = InboxCountCap, true
		}
	}
	limit, offset := f.PerPage, (f.Page-1)*f.PerPage
	var ids []int64
	var err error
	if p.byDue() && !p.openOnly && !p.finalOnly() {
		// Open cases come first, by deadline, then final ones, which have none, by id. The exact
		// open counts say where the first part ends.
		open := p.part(true)
		n := 0
		for _, st := range open.stages {
			n += out.StageCounts[st]
		}
		if offset < n {
			if ids, err = s.inboxIDs(ctx, open, limit, offset); err != nil {
				return out, err
			}
		}
		if rest := limit - len(ids); rest > 0 {
			more, err := s.inboxIDs(ctx, p.part(false), rest, max(0, offset-n))
			if err != nil {
				return out, err
			}
			ids = append(ids, more...)
		}
	} else if ids, err = s.inboxIDs(ctx, p, limit, offset); err != nil {
		return out, err
	}
	return out, s.inboxRows(ctx, &out, ids, f.Viewer, now)
}

// inboxStageCounts counts open cases per stage under the filter's other conditions.
func (s *Store) inboxStageCounts(ctx context.Context, p *inboxPlan, counts map[grievance.CaseStage]int) error {
	var query string
	var args []any
	f := p.f
	switch {
	case len(p.joins) > 0 && f.Country == "" && f.Language == "" && f.HandlerID == 0:
		// Country, language and assignee usually narrow more than a member, a category or a
		// referral stage; urgency does not.
		var from string
		from, args = s.fromJoin(p, true)
		if p.joins[0].repeats {
			query = `SELECT d.case_stage, COUNT(*) FROM (SELECT DISTINCT d.case_due_at, d.case_id, d.case_stage` + from + `) d GROUP BY d.case_stage`
		} else {
			query = `SELECT d.case_stage, COUNT(*)` + from + ` GROUP BY d.case_stage`
		}
	case p.hasCaseConds() || len(p.joins) > 0:
		var from string
		from, args = s.fromCases(p, true, "")
		query = `SELECT c.stage, COUNT(*)` + from + ` GROUP BY c.stage`
	default:
		// One range of the (stage, …) indexes per stage counts twice as fast as GROUP BY.
		var parts []string
		for _, st := range openStages() {
			w := sqlWhere{conds: []string{"c.stage = '" + string(st) + "'"}}
			p.dueConds(&w, "c.due_at")
			parts = append(parts, `SELECT '`+string(st)+`', COUNT(*) FROM cases c`+w.String())
			args = append(args, w.args...)
		}
		query = strings.Join(parts, " UNION ALL ")
	}
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		if n > 0 {
			counts[grievance.CaseStage(st)] = n
		}
	}
	return rows.Err()
}

// inboxIDs finds the ids of a page's cases, in order, from indexes alone. A plan that mixes open
// and final stages by deadline is split first (Inbox).
func (s *Store) inboxIDs(ctx context.Context, p *inboxPlan, limit, offset int) ([]int64, error) {
	var query string
	var args []any
	if p.openOnly && len(p.joins) > 0 && p.byDue() {
		var from string
		from, args = s.fromJoin(p, false)
		sel := `SELECT d.case_id, d.case_due_at`
		if p.joins[0].repeats {
			sel = `SELECT DISTINCT d.case_id, d.case_due_at`
		}
		query = sel + from + ` ORDER BY d.case_due_at, d.case_id`
	} else {
		// An index in the list's order, read until the page is full, beats sorting every match:
		// open cases have their own; final ones are most cases, so their order is the table's.
		var index, order string
		single, narrow := len(p.stages) == 1, p.hasCaseConds()
		switch {
		case p.f.Sort == "received":
			order = "c.received_at DESC, c.id DESC"
			switch {
			case p.openOnly && !narrow:
				index = "cases_open_received"
			case !p.openOnly && single:
				index = "cases_stage_received"
			case !p.openOnly:
				index = "cases_received_at"
			}
		case p.f.Sort == "reference":
			order = "c.id DESC" // ids follow filing order, as references do
			switch {
			case p.openOnly && !narrow:
				index = "cases_open_id"
			case !p.openOnly:
				index = "NOT INDEXED"
			}
		case p.openOnly:
			order = "c.due_at, c.id"
			if !narrow {
				index = "cases_open_due"
			}
		case single:
			order, index = "c.due_at, c.id", "cases_stage_due" // due_at is NULL: by id
		default:
			order, index = "c.id", "NOT INDEXED"
		}
		var from string
		from, args = s.fromCases(p, false, index)
		query = `SELECT c.id, NULL` + from + ` ORDER BY ` + order
	}
	rows, err := s.read.QueryContext(ctx, s.q(query+` LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var due any // there for DISTINCT … ORDER BY
		if err := rows.Scan(&id, &due); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// inboxRows reads the listed cases in the page's order, with their details.
func (s *Store) inboxRows(ctx context.Context, out *Inbox, ids []int64, viewer int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var args []any
	index := make(map[int64]int, len(ids))
	for _, id := range ids {
		// Twice only if the case moved between the two parts of a page (Inbox).
		if _, ok := index[id]; !ok {
			index[id] = len(args)
			args = append(args, id)
		}
	}
	out.Rows = make([]InboxRow, len(args))
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")"
	seen, err := s.seenAt(ctx, viewer, args)
	if err != nil {
		return err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT c.id, c.reference, c.stage, c.received_at, c.due_at, c.country, c.language, c.urgency, c.channel,
		c.fears_retaliation, c.activity_at, c.activity_by, c.activity_other_at, c.message_at, c.message_by, c.message_other_at
		FROM cases c WHERE c.id IN `+in), args...)
	if err != nil {
		return err
	}
	found := 0
	for rows.Next() {
		var r InboxRow
		var stage, urgency, channel string
		var due sql.NullTime
		var events, messages activity
		if err := rows.Scan(&r.ID, &r.Reference, &stage, &r.ReceivedAt, &due, &r.Country, &r.Language, &urgency, &channel,
			&r.Fears, &events.at, &events.by, &events.otherAt, &messages.at, &messages.by, &messages.otherAt); err != nil {
			rows.Close()
			return err
		}
		r.Stage, r.Urgency, r.Channel, r.DueAt = grievance.CaseStage(stage), grievance.Urgency(urgency), grievance.Channel(channel), due.Time
		r.Overdue = grievance.Overdue(r.DueAt, now)
		if viewer != 0 {
			r.New, r.NewMessage = events.newFor(viewer, seen[r.ID]), messages.newFor(viewer, seen[r.ID])
		}
		if !r.Stage.Final() {
			r.Attention = grievance.AttentionOf(r.NewMessage, r.DueAt, now, r.Urgency, r.Fears)
		}
		out.Rows[index[r.ID]] = r
		found++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if found != len(args) {
		return fmt.Errorf("inbox: %d of %d listed cases not found", len(args)-found, len(args))
	}
	return s.inboxDetails(ctx, out, index)
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
