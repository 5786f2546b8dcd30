package intake

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// followupWithdraw withdraws the case once the reporter has ticked the confirmation.
func (h *Handler) followupWithdraw(w http.ResponseWriter, r *http.Request) {
	id, ok := h.sessionCase(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if r.PostFormValue("confirm") != "yes" {
		v, err := h.caseView(r, id)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		h.renderCaseErrors(w, r, v, map[string]string{"confirm": "confirm_required"})
		return
	}
	err := h.store.ChangeCaseStage(r.Context(), store.CaseStageChange{CaseID: id, To: grievance.CaseWithdrawn, Actor: store.Actor{Role: string(grievance.RoleReporter)}})
	var re *grievance.RuleError
	if errors.As(err, &re) {
		// Already final (e.g. closed meanwhile): show the case as it now stands.
		http.Redirect(w, r, "/follow-up/case", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/follow-up/case?done=withdrawn", http.StatusSeeOther)
}
