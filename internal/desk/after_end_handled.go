package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// afterEndHandled records that a handler dealt with what the reporter of an ended case wrote:
// the case leaves the desk's list of cases whose reporter wrote after the end. The case stays
// where it is — no final stage moves under the rules (grievance.CaseMoves); if the matter needs
// new work, the handler answers in the thread or opens it as a new report.
func (h *Handler) afterEndHandled(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	if err := h.store.DeleteAfterEndMessage(r.Context(), id, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "stage")
}
