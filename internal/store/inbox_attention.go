package store

import (
	"context"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The desk's "needs attention" view: grievance.AttentionOf in SQL. Overdue cases are due before
// those due within the week, so "overdue, then due soon, then urgent or fearing retaliation",
// each by deadline, is one walk of the open cases by deadline under one condition. Cases with a
// new message come before all of them; only cases with a message can have one, so that part
// walks an index of those alone. Each part is read and counted from an index (migration 00013),
// and the viewer's last look is asked for only on cases with a message.

// newMessageSQL is true when someone other than the viewer wrote after the viewer last opened the
// case (or ever, if never opened); its arguments are attentionArgs.
const newMessageSQL = `(CASE WHEN c.message_by = ? THEN c.message_other_at ELSE c.message_at END) IS NOT NULL
	AND (CASE WHEN c.message_by = ? THEN c.message_other_at ELSE c.message_at END) >
		COALESCE((SELECT s.seen_at FROM case_seen s WHERE s.user_id = ? AND s.case_id = c.id), ?)`

func attentionArgs(viewer int64) []any { return []any{viewer, viewer, viewer, utc(time.Time{})} }

// attentionParts are FROM and WHERE of the view's two parts: cases with a new message, and the
// rest that need attention.
func (s *Store) attentionParts(viewer int64, now time.Time) (first, rest string, firstArgs, restArgs []any) {
	open := "c.stage IN (" + openStageSQL + ")"
	first = ` FROM cases c` + s.indexed("cases_open_messages") + ` WHERE c.message_at IS NOT NULL AND ` + open + ` AND ` + newMessageSQL
	firstArgs = attentionArgs(viewer)
	rest = ` FROM cases c` + s.indexed("cases_open_attention") + ` WHERE ` + open +
		` AND (c.due_at <= ? OR c.urgency <> 'normal' OR c.fears_retaliation)` +
		` AND NOT (c.message_at IS NOT NULL AND ` + newMessageSQL + `)`
	restArgs = append([]any{utc(now.AddDate(0, 0, grievance.AttentionSoonDays))}, attentionArgs(viewer)...)
	return first, rest, firstArgs, restArgs
}

// attention is one page of the "needs attention" view, with its total (capped) and the usual
// counts of open cases per stage.
func (s *Store) attention(ctx context.Context, f InboxFilter, now time.Time) (Inbox, error) {
	out := Inbox{Page: f.Page, PerPage: f.PerPage, StageCounts: map[grievance.CaseStage]int{}}
	if err := s.inboxStageCounts(ctx, newInboxPlan(InboxFilter{}, now), out.StageCounts); err != nil {
		return out, err
	}
	first, rest, firstArgs, restArgs := s.attentionParts(f.Viewer, now)
	limit, offset := f.PerPage, (f.Page-1)*f.PerPage
	// Counts are capped as the inbox's are (InboxCountCap): counting the second part means
	// walking every open case, 136,000 on the seeded million. The first part is counted far
	// enough to know whether this page reaches past it.
	n1, capped, err := s.attentionCount(ctx, first, firstArgs, max(InboxCountCap, offset+limit))
	if err != nil {
		return out, err
	}
	out.Total, out.TotalCapped = n1, capped
	var ids []int64
	if offset < n1 {
		if ids, err = s.attentionIDs(ctx, first, firstArgs, limit, offset); err != nil {
			return out, err
		}
	}
	if capped {
		return out, s.inboxRows(ctx, &out, ids, f.Viewer, now)
	}
	n2, capped, err := s.attentionCount(ctx, rest, restArgs, InboxCountCap)
	if err != nil {
		return out, err
	}
	out.Total, out.TotalCapped = n1+n2, capped
	if left := limit - len(ids); left > 0 {
		more, err := s.attentionIDs(ctx, rest, restArgs, left, max(0, offset-n1))
		if err != nil {
			return out, err
		}
		ids = append(ids, more...)
	}
	return out, s.inboxRows(ctx, &out, ids, f.Viewer, now)
}

// attentionCount counts a part up to limit; capped says there are more.
func (s *Store) attentionCount(ctx context.Context, from string, args []any, limit int) (n int, capped bool, err error) {
	err = s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT 1`+from+` LIMIT ?) t`), append(args, limit+1)...).Scan(&n)
	if n > limit {
		return limit, true, err
	}
	return n, false, err
}

func (s *Store) attentionIDs(ctx context.Context, from string, args []any, limit, offset int) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT c.id`+from+` ORDER BY c.due_at, c.id LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
