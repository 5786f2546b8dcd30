package store

import (
	"context"
	"database/sql"
	"time"
)

// What is new for whom (migration 00013). A user's last look at a case is compared with the
// latest event on it by someone else than that user; the events keep their own two-slot summary
// (activity) on the case and on each referral, written in the transaction of the event.

// activity is the latest event on a case or referral, its author (a user id, 0 for the reporter
// and the clock) and the latest event by anyone else than that author.
type activity struct {
	at, otherAt sql.NullTime
	by          int64
}

// newFor reports whether someone other than user did something after seen (zero: never
// opened). Only a user's own events are not news to them.
func (a activity) newFor(user int64, seen time.Time) bool {
	last := a.at
	if a.by == user {
		last = a.otherAt
	}
	return last.Valid && last.Time.After(seen)
}

// noteActivity records an event by actor at at on a case and, for a referral's own event, on
// that referral; message says it is a message, which the "needs attention" view puts first. A
// later event by the same author moves only the first slot; one by another author pushes the
// previous latest event into the second.
func (s *Store) noteActivity(ctx context.Context, tx *sql.Tx, caseID, referralID int64, actor Actor, at time.Time, message bool) error {
	by, at := actor.UserID, utc(at)
	set := `activity_other_at = CASE WHEN activity_by = ? THEN activity_other_at ELSE activity_at END, activity_at = ?, activity_by = ?`
	args := []any{by, at, by}
	if message {
		set += `, message_other_at = CASE WHEN message_by = ? THEN message_other_at ELSE message_at END, message_at = ?, message_by = ?`
		args = append(args, by, at, by)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET `+set+` WHERE id = ?`), append(args, caseID)...); err != nil {
		return err
	}
	if referralID == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q(`UPDATE referrals SET activity_other_at = CASE WHEN activity_by = ? THEN activity_other_at ELSE activity_at END,
		activity_at = ?, activity_by = ? WHERE id = ? AND case_id = ?`), by, at, by, referralID, caseID)
	return err
}

// MarkCaseSeen records that user opened the case at at, the moment the page began to read it:
// what happened until then is no longer new to them, and what happens while the page is built
// stays new. A case that does not exist is not marked. It is not audited: it changes nothing
// in the case.
func (s *Store) MarkCaseSeen(ctx context.Context, userID, caseID int64, at time.Time) error {
	if userID == 0 {
		return nil
	}
	// Two tabs may race: the later look wins, never the earlier.
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO case_seen (user_id, case_id, seen_at) SELECT ?, id, ? FROM cases WHERE id = ?
		ON CONFLICT (user_id, case_id) DO UPDATE SET seen_at = excluded.seen_at WHERE case_seen.seen_at < excluded.seen_at`), userID, utc(at), caseID)
	return err
}

// seenAt is when user last opened each of the cases, by case id; a case never opened is absent.
func (s *Store) seenAt(ctx context.Context, userID int64, caseIDs []any) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if userID == 0 || len(caseIDs) == 0 {
		return out, nil
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT case_id, seen_at FROM case_seen WHERE user_id = ? AND case_id IN `+inList(len(caseIDs))),
		append([]any{userID}, caseIDs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = at
	}
	return out, rows.Err()
}

// inList is "(?, ?, …)" for n arguments.
func inList(n int) string {
	b := make([]byte, 0, 3*n+1)
	b = append(b, '(')
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(append(b, ')'))
}
