package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"golang.org/x/sync/errgroup"
)

// Tally counts cases (or referrals) by code.
type Tally map[string]int

// DayCounts is a histogram of whole days: how many stages lasted d days.
type DayCounts map[int]int

// Timeliness counts moves made before or after the deadline their stage carried. Moves whose
// deadline is not known (made before migration 00006) are left out of both.
type Timeliness struct{ InTime, Late int }

// PeriodFigures are the anonymised figures of one fiscal year, each counted where the thing it
// counts happened:
//   - cases received in the year: intake facts, and the stage they are in now;
//   - referrals forwarded in the year: by member, and the stage they are in now;
//   - moves made in the year: the stage entered, days spent in the stage left, in time or late,
//     outcomes and not-accepted reasons;
//   - referrals concluded in the year: remedy types; cases closed in the year: ratings.
type PeriodFigures struct {
	FiscalYear int
	From, To   time.Time

	Received       int
	ByStage        Tally // stage now
	ByCategory     Tally
	ByCountry      Tally
	ByChannel      Tally
	ByLanguage     Tally
	ByReporterType Tally

	Referrals      int
	ByMember       map[int64]int // 0 counts referrals to non-members
	ReferralStages Tally         // stage now

	Entered          Tally                // moves into each stage (case and referral stage names differ)
	StageDays        map[string]DayCounts // by the stage left
	Acknowledged     Timeliness           // received → acknowledged
	ScreeningDecided Timeliness           // screening or awaiting information → accepted or not accepted
	CompanyAnswered  Timeliness           // referral forwarded → responded

	Outcomes           Tally // referrals concluded in the year
	CaseOutcomes       Tally // cases closed in the year
	NotAcceptedReasons Tally
	RemedyTypes        Tally  // referrals concluded in the year; one referral may count for several types
	Satisfaction       [6]int // [1..5]: ratings of cases closed in the year
}

// FiscalYearFigures computes the figures of fiscal year fy. Most come from the monthly counts
// (figures.go); the four that change over time read one index range each. All run side by side.
func (s *Store) FiscalYearFigures(ctx context.Context, fy int) (*PeriodFigures, error) {
	tl := s.Timeline()
	from, to := tl.FiscalYearSpan(fy)
	f := &PeriodFigures{FiscalYear: fy, From: from, To: to,
		ByStage: Tally{}, ByCategory: Tally{}, ByCountry: Tally{}, ByChannel: Tally{}, ByLanguage: Tally{}, ByReporterType: Tally{},
		ByMember: map[int64]int{}, ReferralStages: Tally{}, Entered: Tally{}, StageDays: map[string]DayCounts{},
		Outcomes: Tally{}, CaseOutcomes: Tally{}, NotAcceptedReasons: Tally{}, RemedyTypes: Tally{}}
	g, ctx := errgroup.WithContext(ctx)
	// Each goroutine fills its own fields, so none writes memory another reads.
	g.Go(func() error { return s.countedFigures(ctx, f, s.monthOf(from), s.monthOf(to)) })
	from, to = utc(from), utc(to)
	g.Go(func() error {
		return s.tally(ctx, `SELECT stage, COUNT(*) FROM cases WHERE received_at >= ? AND received_at < ? AND public GROUP BY stage`,
			from, to, func(stage string, n int) { f.ByStage[stage] += n })
	})
	g.Go(func() error {
		return s.tally(ctx, `SELECT stage, COUNT(*) FROM referrals WHERE forwarded_at >= ? AND forwarded_at < ? GROUP BY stage`,
			from, to, func(stage string, n int) { f.ReferralStages[stage] += n })
	})
	g.Go(func() error {
		return s.tally(ctx, `SELECT remedy_types, COUNT(*) FROM referrals
			WHERE concluded_at IS NOT NULL AND concluded_at >= ? AND concluded_at < ? AND remedy_types <> '' GROUP BY remedy_types`,
			from, to, func(remedies string, n int) {
				for t := range strings.SplitSeq(remedies, ",") {
					f.RemedyTypes[t] += n
				}
			})
	})
	g.Go(func() error {
		return s.tally(ctx, `SELECT satisfaction, COUNT(*) FROM cases
			WHERE satisfaction IS NOT NULL AND public AND closed_at >= ? AND closed_at < ? GROUP BY satisfaction`,
			from, to, func(rating string, n int) {
				if r, err := strconv.Atoi(rating); err == nil && r >= 1 && r <= 5 {
					f.Satisfaction[r] += n
				}
			})
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return f, nil
}

// tally runs a "code, count" query over [from, to).
func (s *Store) tally(ctx context.Context, query string, from, to time.Time, fn func(code string, n int)) error {
	var code string
	var n int
	return s.eachRow(ctx, query, []any{from, to}, []any{&code, &n}, func() { fn(code, n) })
}

func (s *Store) countedFigures(ctx context.Context, f *PeriodFigures, fromMonth, toMonth string) error {
	return s.figureRows(ctx, fromMonth, toMonth, func(measure, code string, n int) {
		switch measure {
		case "channel":
			f.Received += n
			f.ByChannel[code] += n
		case "language":
			f.ByLanguage[code] += n
		case "reporter_type":
			f.ByReporterType[code] += n
		case "country":
			f.ByCountry[code] += n
		case "category":
			f.ByCategory[code] += n
		case "referral_member":
			id, _ := strconv.ParseInt(code, 10, 64)
			f.Referrals += n
			f.ByMember[id] += n
		case "move":
			m, ok := parseMove(code)
			if !ok {
				return
			}
			f.addMove(m, n)
		}
	})
}

func (f *PeriodFigures) addMove(m moveFigure, n int) {
	f.Entered[m.To] += n
	if m.Days >= 0 {
		h := f.StageDays[m.From]
		if h == nil {
			h = DayCounts{}
			f.StageDays[m.From] = h
		}
		h[m.Days] += n
	}
	var t *Timeliness
	switch milestone, _ := grievance.MilestoneOf(m.From, m.To); milestone {
	case grievance.MilestoneAcknowledged:
		t = &f.Acknowledged
	case grievance.MilestoneScreened:
		t = &f.ScreeningDecided
	case grievance.MilestoneCompanyAnswered:
		t = &f.CompanyAnswered
	}
	switch {
	case t == nil || m.Overdue < 0:
	case m.Overdue == 1:
		t.Late += n
	default:
		t.InTime += n
	}
	switch m.To {
	case "concluded":
		f.Outcomes[m.Code] += n
	case "closed":
		f.CaseOutcomes[m.Code] += n
	case "not_accepted":
		f.NotAcceptedReasons[m.Code] += n
	}
}

// YearCount is one fiscal year's headline counts, for trends.
type YearCount struct {
	FiscalYear int `json:"fiscal_year"`
	Received   int `json:"received"`
	Forwarded  int `json:"forwarded"`
	Ended      int `json:"ended"`
}

// Trend counts, for every fiscal year from the first case received to the one containing now,
// the cases received, referrals forwarded and cases ended (closed, not accepted or withdrawn),
// from the monthly counts.
func (s *Store) Trend(ctx context.Context, now time.Time) ([]YearCount, error) {
	tl := s.Timeline()
	years := map[int]*YearCount{}
	first := tl.FiscalYear(now)
	add := func(month string, field func(*YearCount) *int, n int) {
		t, err := time.ParseInLocation("2006-01", month, tl.Zone)
		if err != nil {
			return
		}
		fy := tl.FiscalYear(t)
		y := years[fy]
		if y == nil {
			y = &YearCount{FiscalYear: fy}
			years[fy] = y
		}
		*field(y) += n
		first = min(first, fy)
	}
	var month, measure string
	var n int
	err := s.eachRow(ctx, `SELECT month, measure, SUM(n) FROM figures WHERE measure IN ('channel', 'referral_member') GROUP BY month, measure`,
		nil, []any{&month, &measure, &n}, func() {
			if measure == "channel" {
				add(month, func(y *YearCount) *int { return &y.Received }, n)
			} else {
				add(month, func(y *YearCount) *int { return &y.Forwarded }, n)
			}
		})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT month, SUM(n) FROM figures WHERE measure = 'move'
		AND (code LIKE '%>closed|%' OR code LIKE '%>not_accepted|%' OR code LIKE '%>withdrawn|%') GROUP BY month`,
		nil, []any{&month, &n}, func() { add(month, func(y *YearCount) *int { return &y.Ended }, n) })
	if err != nil || len(years) == 0 {
		return nil, err
	}
	out := make([]YearCount, 0, tl.FiscalYear(now)-first+1)
	for fy := first; fy <= tl.FiscalYear(now); fy++ {
		y := YearCount{FiscalYear: fy}
		if c := years[fy]; c != nil {
			y = *c
		}
		out = append(out, y)
	}
	return out, nil
}
