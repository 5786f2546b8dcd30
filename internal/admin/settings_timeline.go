package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/account"
)

// settingsTimeline saves the timeline's periods and the fiscal year's first month. They apply
// at once to deadlines computed from now on; deadlines already set stay as they are.
func (h *Handler) settingsTimeline(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.settings.title")
	v, err := h.settingsView(r.Context(), p.Lang)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	tl := h.store.Timeline()
	for i, f := range timelineFields {
		typed := strings.TrimSpace(r.PostFormValue(f.name))
		v.Periods[i].Value = typed
		n, err := strconv.Atoi(typed)
		if err != nil || n < 1 || n > 366 {
			v.Periods[i].Err = p.T("admin.timeline.days_invalid")
			v.TimelineErrors = true
			continue
		}
		*f.field(&tl) = n
	}
	v.FiscalYearStart = r.PostFormValue("fiscal_year_start")
	month, err := strconv.Atoi(v.FiscalYearStart)
	if err != nil || month < 1 || month > 12 {
		v.FiscalYearErr = p.T("admin.timeline.month_invalid")
		v.TimelineErrors = true
	}
	if v.TimelineErrors {
		p.Data = v
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_settings", p)
		return
	}
	tl.FiscalYearStart = time.Month(month)
	if err := h.store.SetTimeline(r.Context(), tl, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=timeline#timeline", http.StatusSeeOther)
}
