package admin

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/store"
)

type userListView struct {
	Users      []store.UserRow
	MemberName map[int64]string
}

func (h *Handler) userList(w http.ResponseWriter, r *http.Request) {
	users, err := h.store.Users(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	members, err := h.store.AllMembers(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.users.title")
	v := userListView{Users: users, MemberName: map[int64]string{}}
	for _, m := range members {
		v.MemberName[m.ID] = m.DisplayName(p.Lang)
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "admin_users", p)
}
