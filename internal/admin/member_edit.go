package admin

import (
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/web"
)

func (h *Handler) memberShow(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	m, err := h.store.Member(r.Context(), id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.member.edit_title")
	f := memberFormOf(m, p)
	f.Saved = r.URL.Query().Get("saved") != ""
	p.Data = f
	h.render.Render(w, http.StatusOK, "admin_member", p)
}

// memberUpdate saves names, sector and aliases, and the leaving date when it changed.
func (h *Handler) memberUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	before, err := h.store.Member(ctx, id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.member.edit_title")
	f := readMemberForm(r)
	f.ID = id
	m, left, err := h.checkMember(ctx, &f, p)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if len(f.Errors) > 0 {
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_member", p)
		return
	}
	actor := account.CurrentUser(r).Actor()
	if err := h.store.UpdateMember(ctx, m, actor); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	// The date is compared as shown, so saving the page unchanged does not move it.
	if f.LeftOn != memberFormOf(before, p).LeftOn {
		if err := h.store.SetMemberLeft(ctx, id, left, actor); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/members/%d?saved=1", id), http.StatusSeeOther)
}
