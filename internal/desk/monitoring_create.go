package desk

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
)

// monitoringCreate records the secretariat's check on how an agreed remedy is carried out. A
// check while the referral is monitored starts the next monitoring period (the store moves the
// deadline).
func (h *Handler) monitoringCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	ref, ok := h.caseReferral(w, r, id)
	if !ok {
		return
	}
	err := h.store.AddMonitoringCheck(r.Context(), store.MonitoringCheck{CaseID: id, ReferralID: ref.ID, Actor: account.CurrentUser(r).Actor(), Note: formText(r, "note")})
	if field, msg, ok := ruleMessage(pageLang(r), err); ok {
		h.refuse(w, r, id, "monitoring:"+strconv.FormatInt(ref.ID, 10), field, msg)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "referral-"+strconv.FormatInt(ref.ID, 10))
}
