package admin

import (
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

func (h *Handler) memberNew(w http.ResponseWriter, r *http.Request) {
	p := h.accounts.Page(r, "admin.member.new_title")
	p.Data = newMemberForm()
	h.render.Render(w, http.StatusOK, "admin_member", p)
}

// memberCreate adds a member company with its aliases. The form has no leaving date: a new
// member is a current one.
func (h *Handler) memberCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.member.new_title")
	f := readMemberForm(r)
	f.LeftOn = ""
	m, _, err := h.checkMember(r.Context(), &f, p)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if len(f.Errors) > 0 {
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_member", p)
		return
	}
	id, err := h.store.CreateMember(r.Context(), m, account.CurrentUser(r).Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/members/%d?saved=1", id), http.StatusSeeOther)
}
