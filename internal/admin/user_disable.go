package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// userAction runs an action on user id's account and comes back to their page; an action an
// admin may not take on their own account is refused there, with a message.
func (h *Handler) userAction(w http.ResponseWriter, r *http.Request, done string, act func(ctx context.Context, id int64, actor store.Actor) error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	f, err := h.userPage(r, id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if f.Self {
		err = store.ErrOwnAccount
	} else {
		err = act(r.Context(), id, account.CurrentUser(r).Actor())
	}
	if errors.Is(err, store.ErrOwnAccount) {
		p := h.accounts.Page(r, "admin.user.edit_title")
		f.ActionError = p.T("admin.user.own_account")
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=%s", id, done), http.StatusSeeOther)
}

// userDisable stops an account: its sessions end now and it cannot sign in again until it is
// enabled. An admin cannot disable their own account.
func (h *Handler) userDisable(w http.ResponseWriter, r *http.Request) {
	h.userAction(w, r, "disabled", h.store.DisableUser)
}

func (h *Handler) userEnable(w http.ResponseWriter, r *http.Request) {
	h.userAction(w, r, "enabled", h.store.EnableUser)
}

// userResetTOTP removes a user's second factor (they lost their device and recovery codes);
// they enrol a new one at their next sign-in. Admins reset each other's, never their own: a
// stolen session must not be able to replace its owner's second factor.
func (h *Handler) userResetTOTP(w http.ResponseWriter, r *http.Request) {
	h.userAction(w, r, "reset_totp", h.store.ResetUserTOTP)
}
