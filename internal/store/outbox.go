package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Notice is an event someone must hear about. enqueueNotice turns it into one outbox row per
// recipient inside the transaction of the change it announces, so that a change is never made
// without its notice, nor a notice queued for a change that rolled back.
type Notice struct {
	Kind       grievance.NoticeKind
	CaseID     int64  // 0: about no one case (the annual report)
	ReferralID int64  // the referral it is about: its company's users are the member recipients
	UserID     int64  // the one recipient of a personal notice (the assigned expert)
	Key        string // what makes this event unique among the case's events of its kind
}

func (n Notice) eventKey() string {
	return fmt.Sprintf("%s:%d:%d:%s", n.Kind, n.CaseID, n.ReferralID, n.Key)
}

// noticeDay is the key of an event that happens at most once a local day (the reporter hears
// "there is news" once a day at most, however many things moved; overdue reminders are daily).
func (s *Store) noticeDay(at time.Time) string { return s.timeline.LocalDate(at).Format("2006-01-02") }

// enqueueNotice queues n in tx for each of its recipients (grievance.NoticeRecipients), as each
// chose (grievance.NoticeDelivery). It reports false, writing nothing, when the same event was
// queued before: timers find the same deadline again every round.
func (s *Store) enqueueNotice(ctx context.Context, tx *sql.Tx, n Notice) (bool, error) {
	now := utc(s.now())
	key := n.eventKey()
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notice_events (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`), key, now)
	if err != nil {
		return false, fmt.Errorf("notice: %w", err)
	}
	if added, err := res.RowsAffected(); err != nil || added == 0 {
		return false, err
	}
	var reference, language string
	var handlerID, memberID sql.NullInt64
	if n.CaseID != 0 {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT reference, language, handler_id FROM cases WHERE id = ?`), n.CaseID).Scan(&reference, &language, &handlerID); err != nil {
			return false, fmt.Errorf("notice: %w", err)
		}
	}
	if n.ReferralID != 0 {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT member_id FROM referrals WHERE id = ?`), n.ReferralID).Scan(&memberID); err != nil {
			return false, fmt.Errorf("notice: %w", err)
		}
	}
	insert := func(recipient string, userID int64, lang string, digest bool) error {
		next := now
		if digest {
			next = utc(s.timeline.get().NextDigest(now))
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (dedupe_key, kind, case_id, referral_id, reference, user_id, to_reporter, language, digest, created_at, next_attempt_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`),
			key+"/"+recipient, string(n.Kind), nullInt(n.CaseID), nullInt(n.ReferralID), reference, nullInt(userID), userID == 0, lang, digest, now, next)
		return err
	}
	for _, role := range grievance.NoticeRecipients(n.Kind, n.ReferralID != 0) {
		if role == grievance.RoleReporter {
			var one int
			err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM reporter_addresses WHERE case_id = ?`), n.CaseID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				continue // the reporter left no address: they look for news themselves
			}
			if err == nil {
				err = insert("reporter", 0, language, false)
			}
			if err != nil {
				return false, err
			}
			continue
		}
		users, err := s.noticeUsers(ctx, tx, role, n, handlerID, memberID)
		if err != nil {
			return false, err
		}
		for _, u := range users {
			send, digest := grievance.NoticeDelivery(role, n.Kind, u.mode)
			if !send {
				continue
			}
			if err := insert(fmt.Sprintf("u%d", u.id), u.id, u.language, digest); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

type noticeUser struct {
	id       int64
	mode     grievance.NoticeMode
	language string
}

// noticeUsers lists the active users of role who hear of n, with their choices: the case's
// assigned handler (every handler while none is assigned, or the assigned one is disabled), the
// referral's company's users, the named expert, every panel member.
func (s *Store) noticeUsers(ctx context.Context, tx *sql.Tx, role grievance.Role, n Notice, handlerID, memberID sql.NullInt64) ([]noticeUser, error) {
	where, args := `u.role = ?`, []any{string(role)}
	switch role {
	case grievance.RoleHandler:
		if handlerID.Valid {
			users, err := s.noticeUsersWhere(ctx, tx, where+` AND u.id = ?`, append(args, handlerID.Int64)...)
			if err != nil || len(users) > 0 {
				return users, err
			}
		}
	case grievance.RoleMember:
		if !memberID.Valid {
			return nil, nil // a company that is not a member has no users here
		}
		where, args = where+` AND u.member_id = ?`, append(args, memberID.Int64)
	case grievance.RoleExpert:
		where, args = where+` AND u.id = ?`, append(args, n.UserID)
	}
	return s.noticeUsersWhere(ctx, tx, where, args...)
}

func (s *Store) noticeUsersWhere(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]noticeUser, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT u.id, COALESCE(p.mode, ''), COALESCE(p.language, '') FROM users u
		LEFT JOIN notice_prefs p ON p.user_id = u.id WHERE u.disabled_at IS NULL AND `+where+` ORDER BY u.id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []noticeUser
	for rows.Next() {
		var u noticeUser
		var mode string
		if err := rows.Scan(&u.id, &mode, &u.language); err != nil {
			return nil, err
		}
		u.mode = grievance.NoticeMode(mode)
		if !u.mode.Valid() {
			u.mode = grievance.NoticeImmediate
		}
		if u.language == "" {
			u.language = defaultNoticeLanguage
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// defaultNoticeLanguage is a user's mail language until they choose one.
const defaultNoticeLanguage = "en"

// OutboxItem is one queued notification as the worker delivers it.
type OutboxItem struct {
	ID         int64
	Kind       grievance.NoticeKind
	CaseID     int64
	ReferralID int64
	Reference  string
	UserID     int64 // 0: to the case's reporter
	ToReporter bool
	Language   string
	Digest     bool
	Attempts   int // including the one just claimed
	CreatedAt  time.Time
	ClaimedTo  time.Time // the claim ends then: the worker sends nothing of it after
}

// outboxDue is the condition of a row a worker may claim at ?: not sent, not given up, due,
// and not claimed by another worker whose claim still runs.
const outboxDue = `sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)`

// ClaimOutbox claims up to limit due notifications for lease: no other worker takes them until
// the lease ends, and a worker that dies holding them leaves them to be claimed again then. The
// claim counts as an attempt. The condition is checked again by the UPDATE itself, so two
// workers racing for the same rows never both get one.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxItem, error) {
	now := utc(s.now())
	until := utc(now.Add(lease))
	rows, err := s.db.QueryContext(ctx, s.q(`UPDATE outbox SET claimed_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE `+outboxDue+` ORDER BY next_attempt_at, id LIMIT ?) AND `+outboxDue+`
		RETURNING id, kind, COALESCE(case_id, 0), COALESCE(referral_id, 0), reference, COALESCE(user_id, 0), to_reporter, language, digest, attempts, created_at`),
		until, now, now, limit, now, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var kind string
		if err := rows.Scan(&it.ID, &kind, &it.CaseID, &it.ReferralID, &it.Reference, &it.UserID, &it.ToReporter, &it.Language, &it.Digest, &it.Attempts, &it.CreatedAt); err != nil {
			return nil, err
		}
		it.Kind, it.ClaimedTo = grievance.NoticeKind(kind), until
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING gives no order on either database; deliver oldest first.
	slices.SortFunc(out, func(a, b OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Recipient is where a notification goes: an address opened just before sending, never kept.
type Recipient struct {
	Address string
	Role    grievance.Role
}

// OutboxRecipient opens the address of a notification's recipient: the user's login, or the
// reporter's sealed address. ErrNotFound when there is no longer anyone to tell (the user was
// disabled, the reporter removed their address).
func (s *Store) OutboxRecipient(ctx context.Context, it OutboxItem) (Recipient, error) {
	if !it.ToReporter {
		var r Recipient
		var role string
		err := s.read.QueryRowContext(ctx, s.q(`SELECT email, role FROM users WHERE id = ? AND disabled_at IS NULL`), it.UserID).Scan(&r.Address, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return r, ErrNotFound
		}
		r.Role = grievance.Role(role)
		return r, err
	}
	addr, err := s.ReporterAddress(ctx, it.CaseID)
	if err == nil && addr == "" {
		err = ErrNotFound
	}
	return Recipient{Address: addr, Role: grievance.RoleReporter}, err
}

// SetOutboxSent records that the SMTP server accepted these notifications.
func (s *Store) SetOutboxSent(ctx context.Context, ids []int64) error {
	now := utc(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET sent_at = ?, claimed_until = NULL, last_error = '' WHERE id = ? AND sent_at IS NULL`), now, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Outbox error classes: what last_error may hold. Never an SMTP server's own words, which can
// quote the address.
const (
	OutboxErrConnect     = "connect"      // no SMTP session (refused, timed out, TLS, auth)
	OutboxErrTemporary   = "temporary"    // a 4xx answer
	OutboxErrPermanent   = "permanent"    // a 5xx answer
	OutboxErrNoRecipient = "no_recipient" // nobody to tell any more: dropped, not failed
)

// SetOutboxRetry records a failed attempt: the notification is tried again after
// grievance.NoticeBackoff, or given up once grievance.NoticeGivenUp says so (the admin sees
// those). class is one of the OutboxErr classes.
func (s *Store) SetOutboxRetry(ctx context.Context, ids []int64, class string) error {
	now := utc(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			var attempts int
			var created time.Time
			if err := tx.QueryRowContext(ctx, s.q(`SELECT attempts, created_at FROM outbox WHERE id = ?`), id).Scan(&attempts, &created); err != nil {
				return err
			}
			var err error
			if class == OutboxErrNoRecipient || grievance.NoticeGivenUp(created, now) {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE outbox SET failed_at = ?, claimed_until = NULL, last_error = ? WHERE id = ? AND sent_at IS NULL`), now, class, id)
			} else {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ? AND sent_at IS NULL`),
					utc(now.Add(grievance.NoticeBackoff(attempts))), class, id)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// OutboxFigures are the outbox's counts, for the admin's settings page.
type OutboxFigures struct {
	Pending int // not sent yet, still tried
	Sent    int
	Failed  int // given up after three days
	Dropped int // nobody to tell any more
}

// OutboxFigures counts the outbox.
func (s *Store) OutboxFigures(ctx context.Context) (OutboxFigures, error) {
	var f OutboxFigures
	err := s.read.QueryRowContext(ctx, s.q(`SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at IS NOT NULL AND last_error <> ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at IS NOT NULL AND last_error = ? THEN 1 ELSE 0 END), 0)
		FROM outbox`), OutboxErrNoRecipient, OutboxErrNoRecipient).Scan(&f.Pending, &f.Sent, &f.Failed, &f.Dropped)
	return f, err
}

// OutboxRow is a notification as tests and the admin see it: no address, no content.
type OutboxRow struct {
	ID        int64
	Kind      grievance.NoticeKind
	CaseID    int64
	UserID    int64
	Reporter  bool
	Digest    bool
	Attempts  int
	Sent      bool
	Failed    bool
	LastError string
}

// OutboxRows lists the whole outbox, oldest first: for tests and maintenance.
func (s *Store) OutboxRows(ctx context.Context) ([]OutboxRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, COALESCE(case_id, 0), COALESCE(user_id, 0), to_reporter, digest, attempts, sent_at IS NOT NULL, failed_at IS NOT NULL, last_error FROM outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		var kind string
		if err := rows.Scan(&r.ID, &kind, &r.CaseID, &r.UserID, &r.Reporter, &r.Digest, &r.Attempts, &r.Sent, &r.Failed, &r.LastError); err != nil {
			return nil, err
		}
		r.Kind = grievance.NoticeKind(kind)
		out = append(out, r)
	}
	return out, rows.Err()
}

// TakeLease makes holder the holder of the named lease until ttl from now, if it holds it
// already or the lease has run out: true when holder now holds it. Instances sharing a database
// call it each round, and only the holder works, so that one worker runs at a time. It relies
// on the instances' clocks agreeing to well within ttl.
func (s *Store) TakeLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := utc(s.now())
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO outbox_leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE outbox_leases.holder = excluded.holder OR outbox_leases.expires_at <= ?`), name, holder, utc(now.Add(ttl)), now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives the lease up at once (a clean shutdown), so another instance need not wait
// for it to run out.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox_leases SET expires_at = ? WHERE name = ? AND holder = ?`), utc(s.now()), name, holder)
	return err
}

// existingNoticeEvents returns which of keys were queued already, so a timer round opens no
// transaction for an event it queued on an earlier round.
func (s *Store) existingNoticeEvents(ctx context.Context, keys []string) (map[string]bool, error) {
	have := map[string]bool{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 400)]
		keys = keys[len(chunk):]
		rows, err := s.read.QueryContext(ctx, s.q(`SELECT key FROM notice_events WHERE key IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), anySlice(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			have[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return have, nil
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, v := range ss {
		out[i] = v
	}
	return out
}
