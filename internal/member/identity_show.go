package member

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// identityShow displays the reporter's identity when the secretariat shared it with this
// company (only ever with the reporter's consent). It is a POST so that every display is a
// deliberate act, audited by the store; the page is rendered, not redirected to, so the identity
// is never in a URL or a cached page.
func (h *Handler) identityShow(w http.ResponseWriter, r *http.Request) {
	v, p, ok := h.loadReferral(w, r)
	if !ok {
		return
	}
	u := account.CurrentUser(r)
	id, err := h.store.MemberReferralIdentity(r.Context(), u.MemberID, v.Ref.ID, u.Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.Identity = &id
	h.renderReferral(w, http.StatusOK, p, v)
}
