// Package transparency publishes what the mechanism does (UNGP 31 (e), (g)): the anonymised
// register of cases, statistics per fiscal year and across years, each member company's
// disclosure table and the annual report with the effectiveness indicators. Everything it shows
// is counted from categorical data; the only free text it publishes is the lessons learned that
// handlers write as anonymised digests, and only to signed-in staff and panel members.
package transparency

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// Translate gives a catalog text in the reader's language.
type Translate func(key string, args ...any) string

// Row is one labelled count of a breakdown.
type Row struct {
	Code  string  `json:"code"`
	Label string  `json:"label"`
	Count int     `json:"count"`
	Share float64 `json:"share"` // of the breakdown's base, 0..1
}

// Breakdown is a table of counts, such as reports by category.
type Breakdown struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Base  int    `json:"base"` // what shares are of
	Rows  []Row  `json:"rows"`
}

// StageTime is how long one stage lasted, over the moves out of it made in the year.
type StageTime struct {
	Stage    string `json:"stage"`
	Label    string `json:"label"`
	Referral bool   `json:"referral"`
	Moves    int    `json:"moves"`
	Median   int    `json:"median_days"`
	P90      int    `json:"p90_days"`
}

// Indicator is a share of moves made by their deadline.
type Indicator struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Days   int     `json:"days"`
	InTime int     `json:"in_time"`
	Total  int     `json:"total"`
	Share  float64 `json:"share"`
}

// Satisfaction summarises the ratings of cases closed in the year.
type Satisfaction struct {
	Ratings [5]int  `json:"ratings"` // [0] counts rating 1
	Answers int     `json:"answers"`
	Average float64 `json:"average"` // 0 when there are no answers
}

// Statistics are one fiscal year's public figures, labelled in one language.
type Statistics struct {
	FiscalYear   int               `json:"fiscal_year"`
	From         string            `json:"from"` // first day, in the platform's zone
	To           string            `json:"to"`   // last day
	Received     int               `json:"received"`
	Referrals    int               `json:"referrals"`
	Concluded    int               `json:"concluded"`
	Breakdowns   []Breakdown       `json:"breakdowns"`
	StageTimes   []StageTime       `json:"stage_times"`
	Timeliness   []Indicator       `json:"timeliness"`
	Satisfaction Satisfaction      `json:"satisfaction"`
	Trend        []store.YearCount `json:"trend"`
}

// Names turns member ids into their public names; 0 is a non-member.
type Names func(memberID int64) string

// BuildStatistics labels a year's figures. tl gives the published periods the indicators use.
func BuildStatistics(f *store.PeriodFigures, trend []store.YearCount, tl grievance.Timeline, t Translate, member Names, country, lang func(string) string) *Statistics {
	s := &Statistics{FiscalYear: f.FiscalYear, From: f.From.In(tl.Zone).Format("2006-01-02"), To: f.To.In(tl.Zone).AddDate(0, 0, -1).Format("2006-01-02"),
		Received: f.Received, Referrals: f.Referrals, Trend: trend}
	for _, n := range f.Outcomes {
		s.Concluded += n
	}
	code := func(prefix string) func(string) string {
		return func(c string) string { return t(prefix + c) }
	}
	stageLabel := func(c string) string {
		if slices.Contains(grievance.ReferralStages, grievance.ReferralStage(c)) {
			return t("code.referral_stage." + c)
		}
		return t("code.case_stage." + c)
	}
	byMember := store.Tally{}
	for id, n := range f.ByMember {
		byMember[strconv.FormatInt(id, 10)] = n
	}
	reporterType := func(c string) string {
		if c == "" {
			return t("code.reporter_type.none")
		}
		return t("code.reporter_type." + c)
	}
	s.Breakdowns = []Breakdown{
		ordered("stage", t("stats.section.stage"), f.Received, f.ByStage, codesOf(grievance.CaseStages), stageLabel),
		ordered("referral_stage", t("stats.section.referral_stage"), f.Referrals, f.ReferralStages, codesOf(grievance.ReferralStages), stageLabel),
		// Every category is listed, zeros too: "no forced labour reported" is itself a finding.
		ordered("category", t("stats.section.category"), f.Received, f.ByCategory, codesOf(grievance.Categories), code("code.category.")),
		ranked("country", t("stats.section.country"), f.Received, f.ByCountry, country),
		ranked("member", t("stats.section.member"), f.Referrals, byMember, func(c string) string {
			id, _ := strconv.ParseInt(c, 10, 64)
			return member(id)
		}),
		ranked("channel", t("stats.section.channel"), f.Received, f.ByChannel, code("code.channel.")),
		ranked("language", t("stats.section.language"), f.Received, f.ByLanguage, lang),
		ranked("reporter_type", t("stats.section.reporter_type"), f.Received, f.ByReporterType, reporterType),
		ordered("outcome", t("stats.section.outcomes"), s.Concluded, f.Outcomes, codesOf(grievance.Outcomes), code("code.outcome.")),
		ranked("not_accepted", t("stats.section.not_accepted"), sum(f.NotAcceptedReasons), f.NotAcceptedReasons, code("code.not_accepted.")),
		ordered("remedy_type", t("stats.section.remedy"), s.Concluded, f.RemedyTypes, codesOf(grievance.RemedyTypes), code("code.remedy.")),
	}
	for _, st := range grievance.CaseStages {
		if h := f.StageDays[string(st)]; len(h) > 0 {
			s.StageTimes = append(s.StageTimes, stageTime(string(st), stageLabel(string(st)), false, h))
		}
	}
	for _, st := range grievance.ReferralStages {
		if h := f.StageDays[string(st)]; len(h) > 0 {
			s.StageTimes = append(s.StageTimes, stageTime(string(st), stageLabel(string(st)), true, h))
		}
	}
	s.Timeliness = []Indicator{
		indicator("acknowledged", t("stats.ack_within", tl.AcknowledgeDays), tl.AcknowledgeDays, f.Acknowledged),
		indicator("screened", t("stats.screened_within", tl.ScreeningDays), tl.ScreeningDays, f.ScreeningDecided),
		indicator("company_answered", t("stats.company_within", tl.CompanyResponseDays), tl.CompanyResponseDays, f.CompanyAnswered),
	}
	total := 0
	for r := 1; r <= 5; r++ {
		s.Satisfaction.Ratings[r-1] = f.Satisfaction[r]
		s.Satisfaction.Answers += f.Satisfaction[r]
		total += r * f.Satisfaction[r]
	}
	if s.Satisfaction.Answers > 0 {
		s.Satisfaction.Average = math.Round(float64(total)/float64(s.Satisfaction.Answers)*10) / 10
	}
	return s
}

func codesOf[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

func sum(t store.Tally) int {
	n := 0
	for _, v := range t {
		n += v
	}
	return n
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// ordered lists every code of a code list in its order, zeros included, then any count under
// a code the list does not have (history may carry old codes).
func ordered(key, title string, base int, t store.Tally, codes []string, label func(string) string) Breakdown {
	b := Breakdown{Key: key, Title: title, Base: base}
	for _, c := range codes {
		b.Rows = append(b.Rows, Row{Code: c, Label: label(c), Count: t[c], Share: share(t[c], base)})
	}
	for c, n := range t {
		if !slices.Contains(codes, c) {
			b.Rows = append(b.Rows, Row{Code: c, Label: label(c), Count: n, Share: share(n, base)})
		}
	}
	return b
}

// ranked lists the codes counted, largest first (ties by label), so long lists read top-down.
func ranked(key, title string, base int, t store.Tally, label func(string) string) Breakdown {
	b := Breakdown{Key: key, Title: title, Base: base}
	for c, n := range t {
		b.Rows = append(b.Rows, Row{Code: c, Label: label(c), Count: n, Share: share(n, base)})
	}
	slices.SortFunc(b.Rows, func(x, y Row) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Label, y.Label), cmp.Compare(x.Code, y.Code))
	})
	return b
}

func stageTime(stage, label string, referral bool, h store.DayCounts) StageTime {
	st := StageTime{Stage: stage, Label: label, Referral: referral}
	for _, n := range h {
		st.Moves += n
	}
	st.Median = Percentile(h, 50)
	st.P90 = Percentile(h, 90)
	return st
}

// Percentile is the nearest-rank p-th percentile of a histogram of whole days: the smallest d
// such that at least p% of the stages lasted d days or fewer. 0 for an empty histogram.
func Percentile(h store.DayCounts, p int) int {
	total := 0
	days := make([]int, 0, len(h))
	for d, n := range h {
		total += n
		days = append(days, d)
	}
	if total == 0 {
		return 0
	}
	slices.Sort(days)
	rank := (total*p + 99) / 100 // ceil(total * p / 100)
	rank = max(rank, 1)
	seen := 0
	for _, d := range days {
		seen += h[d]
		if seen >= rank {
			return d
		}
	}
	return days[len(days)-1]
}

func indicator(key, label string, days int, t store.Timeliness) Indicator {
	total := t.InTime + t.Late
	return Indicator{Key: key, Label: label, Days: days, InTime: t.InTime, Total: total, Share: share(t.InTime, total)}
}

// Percent formats a share for people: "83%"; "–" when there is nothing to divide.
func Percent(s float64, base int) string {
	if base == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", s*100)
}
