package transparency

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/transparency/chart"
	"github.com/remedy-grievance/remedy/internal/web"
)

type statisticsView struct {
	*Statistics
	Years       []int
	Tables      []tableView
	Indicators  []indicatorView
	Charts      map[string]template.HTML
	Trend       []trendView
	AverageText string
	CSVPath     string
	JSONPath    string
}

type tableView struct {
	Breakdown
	Chart template.HTML // for the short, fixed lists
	Rows  []rowView
}

type rowView struct {
	Label, Count, Share string
}

type indicatorView struct {
	Indicator
	Text string
}

type trendView struct {
	Year                       string
	Received, Forwarded, Ended int
}

// statistics labels one year's figures in lang.
func (h *Handler) statistics(ctx context.Context, fy int, lang string) (*Statistics, error) {
	f, err := h.yearFigures(ctx, fy)
	if err != nil {
		return nil, err
	}
	trend, err := h.yearTrend(ctx)
	if err != nil {
		return nil, err
	}
	t := func(key string, args ...any) string {
		if len(args) > 0 {
			return fmt.Sprintf(locale.T(lang, key), args...)
		}
		return locale.T(lang, key)
	}
	names, err := h.memberNames(ctx, lang, t)
	if err != nil {
		return nil, err
	}
	return BuildStatistics(f, trend, h.store.Timeline(), t, names,
		func(c string) string { return web.CountryName(lang, c) },
		func(c string) string { return web.LanguageName(lang, c) }), nil
}

// statisticsPage shows a fiscal year's statistics, with charts drawn on the server.
func (h *Handler) statisticsPage(w http.ResponseWriter, r *http.Request) {
	fy, ok := h.fiscalYear(r)
	if !ok {
		h.badYear(w, r)
		return
	}
	p := web.NewPage(r, "stats.title")
	s, err := h.statistics(r.Context(), fy, p.Lang)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.Data = h.statisticsView(p, s)
	h.render.Render(w, http.StatusOK, "statistics", p)
}

func (h *Handler) statisticsView(p *web.Page, s *Statistics) statisticsView {
	v := statisticsView{Statistics: s, Years: years(s.Trend, h.store.Timeline().FiscalYear(h.store.Now())),
		Charts:   map[string]template.HTML{},
		CSVPath:  "/api/v1/public/statistics?format=csv&fiscal_year=" + strconv.Itoa(s.FiscalYear),
		JSONPath: "/api/v1/public/statistics?fiscal_year=" + strconv.Itoa(s.FiscalYear)}
	charted := map[string]bool{"stage": true, "referral_stage": true, "category": true, "outcome": true, "channel": true, "reporter_type": true}
	for _, b := range s.Breakdowns {
		tv := tableView{Breakdown: b}
		var bars []chart.Bar
		for _, row := range b.Rows {
			tv.Rows = append(tv.Rows, rowView{Label: row.Label, Count: strconv.Itoa(row.Count), Share: Percent(row.Share, b.Base)})
			bars = append(bars, chart.Bar{Label: row.Label, Value: float64(row.Count), Text: strconv.Itoa(row.Count)})
		}
		if charted[b.Key] {
			tv.Chart = chart.HorizontalBars(chart.Chart{ID: "chart-" + b.Key, Title: b.Title, Desc: p.T("stats.chart_desc"),
				Bars: bars, Dir: p.Dir, Empty: p.T("stats.none")})
		}
		v.Tables = append(v.Tables, tv)
	}
	var bars []chart.Bar
	for _, ind := range s.Timeliness {
		text := p.T("stats.not_enough")
		if ind.Total > 0 {
			text = p.T("stats.in_time", ind.InTime, ind.Total, Percent(ind.Share, ind.Total))
		}
		v.Indicators = append(v.Indicators, indicatorView{Indicator: ind, Text: text})
		bars = append(bars, chart.Bar{Label: ind.Label, Value: ind.Share * 100, Text: Percent(ind.Share, ind.Total)})
	}
	v.Charts["timeliness"] = chart.HorizontalBars(chart.Chart{ID: "chart-timeliness", Title: p.T("stats.section.timeliness"),
		Desc: p.T("stats.chart_desc"), Bars: bars, Dir: p.Dir, Empty: p.T("stats.not_enough")})
	if s.Satisfaction.Answers > 0 {
		v.AverageText = p.T("stats.satisfaction_average", strconv.FormatFloat(s.Satisfaction.Average, 'f', 1, 64), s.Satisfaction.Answers)
	}
	var received []chart.Bar
	for _, y := range s.Trend {
		v.Trend = append(v.Trend, trendView{Year: strconv.Itoa(y.FiscalYear), Received: y.Received, Forwarded: y.Forwarded, Ended: y.Ended})
		received = append(received, chart.Bar{Label: strconv.Itoa(y.FiscalYear), Value: float64(y.Received), Text: strconv.Itoa(y.Received)})
	}
	v.Charts["trend"] = chart.Columns(chart.Chart{ID: "chart-trend", Title: p.T("stats.trend.received"), Desc: p.T("stats.trend_desc"),
		Bars: received, Dir: p.Dir, Empty: p.T("stats.none")})
	return v
}
