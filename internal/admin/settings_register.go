package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
)

// settingsRegister sets the public register's suppression threshold: a combination of member,
// country, issues and link is shown only when at least that many cases of the year share it.
func (h *Handler) settingsRegister(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.settings.title")
	typed := strings.TrimSpace(r.PostFormValue("register_threshold"))
	k, err := strconv.Atoi(typed)
	if err != nil || k < 1 || k > 50 {
		v, err := h.settingsView(r.Context(), p.Lang)
		if err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		v.RegisterThreshold = typed
		v.RegisterThresholdErr = p.T("admin.register.invalid")
		p.Data = v
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_settings", p)
		return
	}
	if err := h.store.SetRegisterThreshold(r.Context(), k, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=register#register", http.StatusSeeOther)
}
