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

// userAct is an action on an account; it answers what it did, for the page's notice (userDone).
type userAct func(ctx context.Context, id int64, actor store.Actor) (done string, err error)

// always is an action that always does the one thing done names.
func always(done string, act func(ctx context.Context, id int64, actor store.Actor) error) userAct {
	return func(ctx context.Context, id int64, actor store.Actor) (string, error) {
		return done, act(ctx, id, actor)
	}
}

// userAction runs an action on user id's account and comes back to their page; an action an
// admin may not take on their own account is refused there, with a message.
func (h *Handler) userAction(w http.ResponseWriter, r *http.Request, act userAct) {
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
	done := ""
	if f.Self {
		err = store.ErrOwnAccount
	} else {
		done, err = act(r.Context(), id, account.CurrentUser(r).Actor())
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
	h.userAction(w, r, always("disabled", h.store.DisableUser))
}

func (h *Handler) userEnable(w http.ResponseWriter, r *http.Request) {
	h.userAction(w, r, always("enabled", h.store.EnableUser))
}

// userResetTOTP removes a user's second factor (they lost their device and recovery codes);
// they enrol a new one at their next sign-in. Admins reset each other's, never their own: a
// stolen session must not be able to replace its owner's second factor. For an account that sees
// case content the reset waits for a handler's approval: an admin who could reset both password
// and second factor could otherwise become that user.
func (h *Handler) userResetTOTP(w http.ResponseWriter, r *http.Request) {
	h.userAction(w, r, func(ctx context.Context, id int64, actor store.Actor) (string, error) {
		pending, err := h.store.RequestTOTPReset(ctx, id, actor)
		if pending {
			return "reset_totp_pending", err
		}
		return "reset_totp", err
	})
}
