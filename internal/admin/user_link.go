package admin

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// showLink answers with user id's page and, this once, the link just issued (or the notice that
// it waits for a handler's approval). It is a page, not a redirect: the link must not travel in
// an address the browser keeps in its history, and the page is never cached.
func (h *Handler) showLink(w http.ResponseWriter, r *http.Request, id int64, done string, issued store.Issued) {
	f, err := h.userPage(r, id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	if issued.Pending() {
		done += "_pending"
	} else {
		f.Link, f.LinkExpires = h.accounts.SetupURL(r, issued.Token), issued.ExpiresAt
	}
	f.ActionResult = userDone[done]
	p := h.accounts.Page(r, "admin.user.edit_title")
	p.Data = f
	w.Header().Set("Cache-Control", "no-store")
	h.render.Render(w, http.StatusOK, "admin_user", p)
}

// issueLink makes a link of purpose for user id's account and shows it.
func (h *Handler) issueLink(w http.ResponseWriter, r *http.Request, purpose store.SetupPurpose, done string) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	issued, err := h.store.IssueSetupLink(r.Context(), id, purpose, account.CurrentUser(r).Actor())
	var refusal string
	switch {
	case errors.Is(err, store.ErrOwnAccount):
		refusal = "admin.user.own_account"
	case errors.Is(err, store.ErrUserDisabled):
		refusal = "admin.user.link_disabled"
	case errors.Is(err, store.ErrSetupFinished), errors.Is(err, store.ErrSetupNotFinished):
		// The account changed since the page was shown (its user finished set-up): show it again.
		http.Redirect(w, r, fmt.Sprintf("/admin/users/%d", id), http.StatusSeeOther)
		return
	case err != nil:
		h.accounts.Fail(w, r, err)
		return
	default:
		h.showLink(w, r, id, done, issued)
		return
	}
	f, err := h.userPage(r, id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.user.edit_title")
	f.ActionError = p.T(refusal)
	p.Data = f
	h.render.Render(w, http.StatusUnprocessableEntity, "admin_user", p)
}

// userSetupLink makes a fresh set-up link for a user who has not finished set-up (they lost the
// first, or it expired); the older links stop working.
func (h *Handler) userSetupLink(w http.ResponseWriter, r *http.Request) {
	h.issueLink(w, r, store.SetupAccount, "setup_link")
}

// userPasswordReset makes a password reset link for a user who forgot their password. Their
// second factor stays, so the admin who holds the link still cannot sign in as them.
func (h *Handler) userPasswordReset(w http.ResponseWriter, r *http.Request) {
	h.issueLink(w, r, store.SetupPasswordReset, "password_reset")
}
