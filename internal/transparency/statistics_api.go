package transparency

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/web"
)

// statisticsAPI answers a year's statistics as JSON, or CSV on request: the same figures as the
// page, labelled in the request's language.
func (h *Handler) statisticsAPI(w http.ResponseWriter, r *http.Request) {
	h.answerYear(w, r, "statistics", func(ctx context.Context, fy int, lang string) (any, func(*csv.Writer), error) {
		s, err := h.statistics(ctx, fy, lang)
		if err != nil {
			return nil, nil, err
		}
		return s, func(c *csv.Writer) { writeStatisticsCSV(c, s) }, nil
	})
}

// answerYear is what both public APIs do around their data: read the fiscal year (400 when it is
// not one), let browsers and proxies keep the answer as long as the server does, and answer JSON,
// or CSV for ?format=csv or Accept: text/csv.
func (h *Handler) answerYear(w http.ResponseWriter, r *http.Request, name string, data func(ctx context.Context, fy int, lang string) (any, func(*csv.Writer), error)) {
	fy, ok := h.fiscalYear(r)
	if !ok {
		writeJSONError(w, http.StatusBadRequest, "fiscal_year must be a year no later than the current fiscal year")
		return
	}
	body, writeCSV, err := data(r.Context(), fy, web.RequestLanguage(r))
	if err != nil {
		h.log.Error("public API failed", "route", r.Pattern, "error", err.Error())
		if status, _ := web.Failure(w, err); status == http.StatusServiceUnavailable {
			writeJSONError(w, status, "temporarily unavailable")
			return
		}
		writeJSONError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Vary", "Accept, Accept-Language")
	if wantsCSV(r) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+"-"+strconv.Itoa(fy)+`.csv"`)
		c := csv.NewWriter(w)
		writeCSV(c)
		c.Flush()
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(body)
}

// writeStatisticsCSV writes one row per figure: section, code, label, value (and share where a
// figure is part of a whole), so that a spreadsheet can filter by section.
func writeStatisticsCSV(c *csv.Writer, s *Statistics) {
	itoa := strconv.Itoa
	ftoa := func(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
	c.Write([]string{"section", "code", "label", "value", "share"})
	c.Write([]string{"period", "fiscal_year", "", itoa(s.FiscalYear), ""})
	c.Write([]string{"period", "from", "", s.From, ""})
	c.Write([]string{"period", "to", "", s.To, ""})
	c.Write([]string{"totals", "received", "", itoa(s.Received), ""})
	c.Write([]string{"totals", "referrals", "", itoa(s.Referrals), ""})
	c.Write([]string{"totals", "concluded", "", itoa(s.Concluded), ""})
	for _, b := range s.Breakdowns {
		for _, row := range b.Rows {
			c.Write([]string{b.Key, row.Code, neutralise(row.Label), itoa(row.Count), ftoa(row.Share)})
		}
	}
	for _, st := range s.StageTimes {
		c.Write([]string{"stage_days_median", st.Stage, neutralise(st.Label), itoa(st.Median), ""})
		c.Write([]string{"stage_days_p90", st.Stage, neutralise(st.Label), itoa(st.P90), ""})
		c.Write([]string{"stage_moves", st.Stage, neutralise(st.Label), itoa(st.Moves), ""})
	}
	for _, ind := range s.Timeliness {
		c.Write([]string{"timeliness", ind.Key, neutralise(ind.Label), itoa(ind.InTime) + "/" + itoa(ind.Total), ftoa(ind.Share)})
	}
	for i, n := range s.Satisfaction.Ratings {
		c.Write([]string{"satisfaction", itoa(i + 1), "", itoa(n), ""})
	}
	for _, y := range s.Trend {
		c.Write([]string{"trend_received", itoa(y.FiscalYear), "", itoa(y.Received), ""})
		c.Write([]string{"trend_forwarded", itoa(y.FiscalYear), "", itoa(y.Forwarded), ""})
		c.Write([]string{"trend_ended", itoa(y.FiscalYear), "", itoa(y.Ended), ""})
	}
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
