package transparency

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

type annualView struct {
	statisticsView
	YearName  string
	Criteria  []criterionView
	Languages int
	Lessons   []lessonView
	Opinions  []store.PanelOpinion
	CanOpine  bool
	Opinion   string // kept when refused
	Error     string
	Saved     bool
	Generated string
}

type criterionView struct {
	Criterion
	Value string
}

type lessonView struct {
	Month      string
	Categories string
	Text       string
}

// annualReport is the printable report for the General Membership Meeting and the Stakeholder
// Panel: the year's figures and charts, the UNGP 31 indicators with how each is computed, the
// lessons learned written at closure, and the panel's opinions.
func (h *Handler) annualReport(w http.ResponseWriter, r *http.Request) {
	h.renderAnnual(w, r, http.StatusOK, "", "")
}

func (h *Handler) renderAnnual(w http.ResponseWriter, r *http.Request, status int, opinion, errKey string) {
	fy, ok := h.fiscalYear(r)
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	ctx := r.Context()
	p := h.accounts.Page(r, "report.title")
	s, err := h.statistics(ctx, fy, p.Lang)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	f, err := h.yearFigures(ctx, fy)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	user := account.CurrentUser(r)
	tl := h.store.Timeline()
	from, to := tl.FiscalYearSpan(fy)
	var e Evidence
	if e.OpenCases, e.InformedCases, err = h.store.ReporterNews(ctx, h.store.Now().AddDate(0, 0, -tl.ReporterUpdateDays)); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if e.ClosedCases, e.WithLessons, err = h.store.ClosedWithLessons(ctx, from, to); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	for ch, n := range f.ByChannel {
		if ch != string(grievance.ChannelWeb) && ch != string(grievance.ChannelAPI) {
			e.NonWebReports += n
		}
	}
	lessons, err := h.store.Lessons(ctx, from, to, user.Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	opinions, err := h.store.PanelOpinions(ctx, fy)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v := annualView{statisticsView: h.statisticsView(p, s), YearName: p.T("fiscal_year.name", fy, fy, fy+1), Languages: len(f.ByLanguage),
		Opinions: opinions, CanOpine: user.Role == grievance.RolePanel, Opinion: opinion, Saved: r.URL.Query().Get("saved") == "1",
		Generated: p.DateTime(h.store.Now())}
	if errKey != "" {
		v.Error = p.T(errKey)
	}
	for _, c := range Effectiveness(f, e) {
		v.Criteria = append(v.Criteria, criterionView{Criterion: c, Value: p.T("report.share", Percent(c.Share, c.Denominator), c.Numerator, c.Denominator)})
	}
	for _, l := range lessons {
		labels := ""
		for i, c := range l.Categories {
			if i > 0 {
				labels += ", "
			}
			labels += p.T("code.category." + c)
		}
		v.Lessons = append(v.Lessons, lessonView{Month: l.ClosedAt.In(tl.Zone).Format("2006-01"), Categories: labels, Text: l.Text})
	}
	p.Data = v
	w.Header().Set("Cache-Control", "no-store")
	h.render.Render(w, status, "report_annual", p)
}

// opinionCreate records a panel member's opinion on the year shown.
func (h *Handler) opinionCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	fy, ok := h.fiscalYear(r)
	if v := r.PostForm.Get("fiscal_year"); v != "" {
		var err error
		fy, err = strconv.Atoi(v)
		ok = err == nil && fy >= 1900 && fy <= h.store.Timeline().FiscalYear(h.store.Now())
	}
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	body := r.PostForm.Get("body")
	user := account.CurrentUser(r)
	err := h.store.AddPanelOpinion(r.Context(), fy, body, user.Actor())
	if fe, bad := err.(grievance.FieldErrors); bad {
		q := r.URL.Query()
		q.Set("fiscal_year", strconv.Itoa(fy))
		r.URL.RawQuery = q.Encode()
		h.renderAnnual(w, r, http.StatusUnprocessableEntity, body, "report.opinion."+fe["body"])
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/reports/annual?fiscal_year="+strconv.Itoa(fy)+"&saved=1#opinions", http.StatusSeeOther)
}
