package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// userPage loads the form of user id's page, filled from the account as stored.
func (h *Handler) userPage(r *http.Request, id int64) (userForm, error) {
	f, err := h.newUserForm(r.Context())
	if err != nil {
		return f, err
	}
	u, err := h.store.User(r.Context(), id)
	if err != nil {
		return f, err
	}
	f.ID, f.Email, f.DisplayName, f.Role = u.ID, u.Email, u.DisplayName, string(u.Role)
	if u.MemberID != 0 {
		f.MemberID = strconv.FormatInt(u.MemberID, 10)
		// A member that left is still this user's company: keep it selectable.
		found := false
		for _, m := range f.Members {
			found = found || m.ID == u.MemberID
		}
		if !found {
			if m, err := h.store.Member(r.Context(), u.MemberID); err == nil {
				f.Members = append(f.Members, m.Member)
			}
		}
	}
	f.RequireTOTP = u.TOTPRequired
	f.Account = u
	f.Self = u.ID == account.CurrentUser(r).ID
	f.Setup, err = h.store.UserSetupState(r.Context(), id)
	return f, err
}

// userDone are the results a redirect to a user's page may announce.
var userDone = map[string]string{
	"created":                "admin.user.done_created",
	"created_pending":        "admin.user.done_created_pending",
	"setup_link":             "admin.user.done_setup_link",
	"setup_link_pending":     "admin.user.done_link_pending",
	"password_reset":         "admin.user.done_password_reset",
	"password_reset_pending": "admin.user.done_link_pending",
	"saved":                  "common.saved",
	"disabled":               "admin.user.done_disabled",
	"enabled":                "admin.user.done_enabled",
	"reset_totp":             "admin.user.done_reset_totp",
	"reset_totp_pending":     "admin.user.done_reset_totp_pending",
}

func (h *Handler) userShow(w http.ResponseWriter, r *http.Request) {
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
	f.ActionResult = userDone[r.URL.Query().Get("done")]
	p := h.accounts.Page(r, "admin.user.edit_title")
	p.Data = f
	h.render.Render(w, http.StatusOK, "admin_user", p)
}

// userUpdate saves name, role, company and whether the second factor is required. The login
// (email) does not change here.
func (h *Handler) userUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
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
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.user.edit_title")
	email := f.Email
	readUserForm(r, &f)
	f.Email = email
	f.Errors = fieldErrors{}
	u := checkUser(&f, p)
	if f.Self && string(u.Role) != string(f.Account.Role) {
		f.Errors["role"] = p.T("admin.user.own_role")
	}
	if len(f.Errors) > 0 {
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
		return
	}
	actor := account.CurrentUser(r).Actor()
	err = h.store.UpdateUser(ctx, u, actor)
	if errors.Is(err, store.ErrOwnAccount) || errors.Is(err, store.ErrRoleNeedsNewAccount) {
		f.Errors["role"] = p.T("admin.user.own_role")
		if errors.Is(err, store.ErrRoleNeedsNewAccount) {
			f.Errors["role"] = p.T("admin.user.role_needs_new_account")
		}
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	// Where the role needs the second factor anyway, the per-user requirement is for other roles.
	required := f.RequireTOTP && !account.RoleRequiresTOTP(u.Role, f.TOTPOptional)
	if required != f.Account.TOTPRequired {
		if err := h.store.SetUserTOTPRequired(ctx, id, required, actor); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=saved", id), http.StatusSeeOther)
}
