package desk

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// approvalApprove carries out a request as the signed-in handler, who must be neither the admin
// who asked nor the account's own user (the store refuses both). A link it makes is shown to
// this handler once, on the answer itself rather than after a redirect, to pass on to the user.
func (h *Handler) approvalApprove(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	issued, err := h.store.ApproveRequest(r.Context(), id, account.CurrentUser(r).Actor())
	if h.decisionRefused(w, r, err) {
		return
	}
	if issued.Pending() { // a second-factor reset: nothing to pass on
		http.Redirect(w, r, "/desk/approvals?done=totp_reset", http.StatusSeeOther)
		return
	}
	h.showApprovals(w, r, http.StatusOK, approvalsView{Link: h.accounts.SetupURL(r, issued.Token), LinkExpires: issued.ExpiresAt, LinkFor: issued.Email})
}

// decisionRefused answers a decision the store turned down, and reports whether it did.
func (h *Handler) decisionRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrSelfApproval):
		h.showApprovals(w, r, http.StatusForbidden, approvalsView{Error: "desk.approvals.self"})
	case errors.Is(err, store.ErrNotFound):
		h.showApprovals(w, r, http.StatusNotFound, approvalsView{Error: "desk.approvals.gone"})
	default:
		h.accounts.Fail(w, r, err)
	}
	return true
}
