package admin

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// settingsSecondFactor makes the second factor optional (or required again, the default) for
// member companies' contacts and experts. Handlers and admins always need it; those who enrolled
// keep using it either way.
func (h *Handler) settingsSecondFactor(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	optional := r.PostFormValue("second_factor") == "optional"
	if err := h.store.SetSecondFactorOptional(r.Context(), optional, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=second_factor#second-factor", http.StatusSeeOther)
}
