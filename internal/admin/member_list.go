package admin

import "net/http"

func (h *Handler) memberList(w http.ResponseWriter, r *http.Request) {
	members, err := h.store.AllMembers(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.members.title")
	p.Data = members
	h.render.Render(w, http.StatusOK, "admin_members", p)
}
