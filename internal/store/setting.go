package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Settings the administrator changes while the platform runs live in the settings table, one
// value per key, as text.

// liveTimeline is the deadline policy the store computes due dates with. An admin may replace
// it while requests are being served, so it sits behind an atomic pointer; each method reads the
// policy once. It has the methods of grievance.Timeline that the store's code calls, so that
// code reads s.timeline.CaseDue(…) as before.
type liveTimeline struct {
	p atomic.Pointer[grievance.Timeline]
}

func (l *liveTimeline) get() grievance.Timeline { return *l.p.Load() }

func (l *liveTimeline) set(t grievance.Timeline) { l.p.Store(&t) }

func (l *liveTimeline) CaseDue(st grievance.CaseStage, d grievance.CaseDates) (time.Time, bool) {
	return l.get().CaseDue(st, d)
}

func (l *liveTimeline) ReferralDue(st grievance.ReferralStage, enteredAt time.Time) (time.Time, bool) {
	return l.get().ReferralDue(st, enteredAt)
}

func (l *liveTimeline) DueAt(from time.Time, days int) time.Time { return l.get().DueAt(from, days) }

func (l *liveTimeline) LocalDate(at time.Time) time.Time { return l.get().LocalDate(at) }

func (l *liveTimeline) FiscalYear(at time.Time) int { return l.get().FiscalYear(at) }

func (l *liveTimeline) FiscalYearSpan(fy int) (start, end time.Time) {
	return l.get().FiscalYearSpan(fy)
}

// timelineKeys name the timeline's settings. The zone is not among them: it comes from the
// configuration (REMEDY_TIMEZONE), since it decides how every stored date is read.
var timelineKeys = []struct {
	key   string
	field func(*grievance.Timeline) *int
}{
	{"timeline.acknowledge_days", func(t *grievance.Timeline) *int { return &t.AcknowledgeDays }},
	{"timeline.screening_days", func(t *grievance.Timeline) *int { return &t.ScreeningDays }},
	{"timeline.answer_days", func(t *grievance.Timeline) *int { return &t.AnswerDays }},
	{"timeline.company_response_days", func(t *grievance.Timeline) *int { return &t.CompanyResponseDays }},
	{"timeline.reporter_update_days", func(t *grievance.Timeline) *int { return &t.ReporterUpdateDays }},
	{"timeline.monitoring_days", func(t *grievance.Timeline) *int { return &t.MonitoringDays }},
}

const fiscalYearStartKey = "timeline.fiscal_year_start"

// loadTimeline applies the saved timeline, if any, over the configured one.
func (s *Store) loadTimeline(ctx context.Context, configured grievance.Timeline) error {
	rows, err := s.read.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'timeline.%'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	saved := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		saved[k] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tl := configured
	number := func(key string, into *int) error {
		v, ok := saved[key]
		if !ok {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("setting %s: %q is not a number", key, v)
		}
		*into = n
		return nil
	}
	for _, k := range timelineKeys {
		if err := number(k.key, k.field(&tl)); err != nil {
			return err
		}
	}
	month := int(tl.FiscalYearStart)
	if err := number(fiscalYearStartKey, &month); err != nil {
		return err
	}
	tl.FiscalYearStart = time.Month(month)
	if err := tl.Validate(); err != nil {
		return fmt.Errorf("saved settings: %w", err)
	}
	s.timeline.set(tl)
	return nil
}

// putSetting writes one setting inside tx.
func (s *Store) putSetting(ctx context.Context, tx *sql.Tx, key, value string, at time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`), key, value, utc(at))
	return err
}

// SetTimeline saves the timeline's periods and fiscal year start and makes them the store's
// policy at once. Deadlines already computed stay as they are; the new periods apply to the
// deadlines computed from now on (at the next change of stage). t.Zone is ignored: the zone is
// the configuration's.
func (s *Store) SetTimeline(ctx context.Context, t grievance.Timeline, actor Actor) error {
	t.Zone = s.Timeline().Zone
	if err := t.Validate(); err != nil {
		return err
	}
	detail := map[string]any{"fiscal_year_start": int(t.FiscalYearStart)}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		for _, k := range timelineKeys {
			n := *k.field(&t)
			detail[strings.TrimPrefix(k.key, "timeline.")] = n
			if err := s.putSetting(ctx, tx, k.key, strconv.Itoa(n), now); err != nil {
				return err
			}
		}
		if err := s.putSetting(ctx, tx, fiscalYearStartKey, strconv.Itoa(int(t.FiscalYearStart)), now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "settings.timeline", 0, detail)
	})
	if err != nil {
		return err
	}
	s.timeline.set(t)
	return nil
}

// MaxRulesText bounds the secretariat's rules of procedure in one language, in characters.
const MaxRulesText = 50000

// ErrRulesTooLong is returned for a rules text over MaxRulesText characters.
var ErrRulesTooLong = errors.New("the rules text is too long")

func rulesKey(lang string) string { return "rules_text." + lang }

// validLanguageTag accepts what a catalog language code looks like (en, ja, zh-Hans), so that
// a setting's key stays tidy; which languages exist is the pages' business (package locale).
func validLanguageTag(lang string) bool {
	if lang == "" || len(lang) > 16 {
		return false
	}
	for _, r := range lang {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// SetRulesText saves the secretariat's rules of procedure in lang, shown on the public rules
// page to readers of that language. An empty text removes it (the page then shows only the
// built-in rules).
func (s *Store) SetRulesText(ctx context.Context, lang, text string, actor Actor) error {
	if !validLanguageTag(lang) {
		return fmt.Errorf("rules text: bad language %q", lang)
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	n := utf8.RuneCountInString(text)
	if n > MaxRulesText {
		return ErrRulesTooLong
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if text == "" {
			_, err = tx.ExecContext(ctx, s.q(`DELETE FROM settings WHERE key = ?`), rulesKey(lang))
		} else {
			err = s.putSetting(ctx, tx, rulesKey(lang), text, s.now())
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "settings.rules_text", 0, map[string]any{"language": lang, "characters": n})
	})
}

// RulesText is the secretariat's rules of procedure in lang, "" when none is set.
func (s *Store) RulesText(ctx context.Context, lang string) (string, error) {
	var text string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT value FROM settings WHERE key = ?`), rulesKey(lang)).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return text, err
}

// RulesTextLanguages lists the languages that have a rules text.
func (s *Store) RulesTextLanguages(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key FROM settings WHERE key LIKE 'rules_text.%' ORDER BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimPrefix(k, "rules_text."))
	}
	return out, rows.Err()
}

const secondFactorOptionalKey = "accounts.second_factor_optional"

// SecondFactorOptional reports whether an admin made the second factor optional for member
// companies' contacts and experts. By default it is required of them, as of handlers and admins:
// they see case content too. Handlers and admins always need it whatever this says.
func (s *Store) SecondFactorOptional(ctx context.Context) (bool, error) {
	var v string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT value FROM settings WHERE key = ?`), secondFactorOptionalKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == "true", err
}

// SetSecondFactorOptional makes the second factor optional (or required again) for member
// companies' contacts and experts. Those who enrolled keep using it either way.
func (s *Store) SetSecondFactorOptional(ctx context.Context, optional bool, actor Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.putSetting(ctx, tx, secondFactorOptionalKey, strconv.FormatBool(optional), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "settings.second_factor", 0, map[string]any{"optional_for_members_and_experts": optional})
	})
}
