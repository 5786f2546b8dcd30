package member

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// monitoringCreate records the company's update on implementing the agreed remedy. The store
// decides whether the referral takes one and moves the monitoring deadline.
func (h *Handler) monitoringCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPlainFormBytes)
	if err := r.ParseForm(); err != nil {
		h.accounts.NotFound(w, r)
		return
	}
	note := strings.TrimSpace(grievance.NormalizeNewlines(r.PostForm.Get("note")))
	var err error
	if tooLong(note) {
		err = errTooLong
	} else {
		err = h.store.AddMonitoringCheck(r.Context(), store.MonitoringCheck{ReferralID: id, Note: note, Actor: account.CurrentUser(r).Actor()})
	}
	var re *grievance.RuleError
	if err != nil && !errors.As(err, &re) && err != errTooLong {
		h.accounts.Fail(w, r, err)
		return
	}
	if err == nil {
		http.Redirect(w, r, referralURL(id)+"?done=checked#monitoring", http.StatusSeeOther)
		return
	}
	v, p, ok := h.loadReferral(w, r)
	if !ok {
		return
	}
	v.HasErrors = true
	v.Monitoring.Values = r.PostForm
	msg := p.T("member.error.too_long")
	if re != nil {
		msg = ruleMessage(p.T, re)
	}
	v.Monitoring.Errors = map[string]string{"note": msg}
	h.renderReferral(w, http.StatusUnprocessableEntity, p, v)
}
