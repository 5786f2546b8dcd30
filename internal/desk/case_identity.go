package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// caseIdentity shows the reporter's identity in the answer to a POST, never at a GET address
// (which would sit in history and logs). store.CaseIdentity audits the display in the same
// transaction as the read; the page is not cached (Render sends no-store).
func (h *Handler) caseIdentity(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	ident, err := h.store.CaseIdentity(r.Context(), id, account.CurrentUser(r).Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	h.showCase(w, r, id, http.StatusOK, func(v *caseView) { v.Identity = &ident })
}
