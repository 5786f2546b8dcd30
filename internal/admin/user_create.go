package admin

import (
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/seal"
)

func (h *Handler) userNew(w http.ResponseWriter, r *http.Request) {
	f, err := h.newUserForm(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.user.new_title")
	p.Data = f
	h.render.Render(w, http.StatusOK, "admin_user", p)
}

// userCreate adds an account with the initial password the admin chose and gives to the user
// by a channel of their own; the user signs in with it (and enrols a second factor where one
// is needed).
func (h *Handler) userCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	f, err := h.newUserForm(ctx)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.user.new_title")
	readUserForm(r, &f)
	f.Errors = fieldErrors{}
	if err := h.checkEmail(ctx, &f, p); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	u := checkUser(&f, p)
	password := r.PostFormValue("password")
	if problem := account.ValidatePassword(password, f.Email, f.DisplayName); problem != "" {
		f.Errors["password"] = p.T(problem)
	}
	if len(f.Errors) > 0 {
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
		return
	}
	hash, err := seal.HashPassword(password, seal.DefaultPasswordParams)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	actor := account.CurrentUser(r).Actor()
	id, err := h.store.CreateUser(ctx, u, hash, actor)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if f.RequireTOTP && !account.RoleRequiresTOTP(u.Role) {
		if err := h.store.SetUserTOTPRequired(ctx, id, true, actor); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=created", id), http.StatusSeeOther)
}
