package admin

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
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

// userCreate adds an account with no password. The admin is shown its set-up link once, to pass
// on by a channel of their own; the user chooses their password with it, so that the admin never
// knows it. A handler account gets no link here: it waits for another handler's approval, and
// the approving handler is shown the link.
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
	if len(f.Errors) > 0 {
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
		return
	}
	actor := account.CurrentUser(r).Actor()
	id, issued, err := h.store.InviteUser(ctx, u, actor)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if f.RequireTOTP && !account.RoleRequiresTOTP(u.Role, f.TOTPOptional) {
		if err := h.store.SetUserTOTPRequired(ctx, id, true, actor); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
	}
	h.showLink(w, r, id, "created", issued)
}
