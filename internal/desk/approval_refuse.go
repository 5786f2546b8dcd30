package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/web"
)

// approvalRefuse turns a request down. A refused new account is disabled: it never had a
// password, and now it can get no link either.
func (h *Handler) approvalRefuse(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	err := h.store.RefuseRequest(r.Context(), id, account.CurrentUser(r).Actor())
	if h.decisionRefused(w, r, err) {
		return
	}
	http.Redirect(w, r, "/desk/approvals?done=refused", http.StatusSeeOther)
}
