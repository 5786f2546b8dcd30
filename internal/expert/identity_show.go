package expert

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// identityShow shows the reporter's identity to the expert, only where the reporter consented to
// share it. It is a POST because every display is written to the audit log (by the store, in the
// same transaction as the read); the page is rendered, not redirected, so the identity is never
// in a URL or a history entry.
func (h *Handler) identityShow(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	v, p, ok := h.loadCase(w, r)
	if !ok {
		return
	}
	if !v.MayViewIdentity {
		h.accounts.NotFound(w, r)
		return
	}
	id, err := h.store.ExpertIdentity(r.Context(), v.Case.ID, account.CurrentUser(r).ID)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.Identity = &id
	h.renderCase(w, http.StatusOK, p, v)
}
