package account

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// SetupPath is where set-up links point: SetupPath + token. The token is in the path, which the
// request log never records (it logs the route's pattern only).
const SetupPath = "/staff/setup/"

// SetupURL is the full address of a set-up link, to show the admin or handler who passes it on:
// under PublicURL when the server has one, else under the host this request came to.
func (h *Handler) SetupURL(r *http.Request, token string) string {
	if h.PublicURL != "" {
		return strings.TrimRight(h.PublicURL, "/") + SetupPath + token
	}
	scheme := "http"
	if web.Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + SetupPath + token
}

type setupView struct {
	Email       string
	Purpose     store.SetupPurpose
	Token       string
	PasswordErr string
	ConfirmErr  string
}

// Errors reports whether the form has any.
func (v setupView) Errors() bool { return v.PasswordErr != "" || v.ConfirmErr != "" }

// setupPage starts a set-up link's page: in a staff language (its strings are staff strings)
// but without the signed-in frame, since nobody is signed in yet. The page holds a credential
// in its address: it is never cached and never sent on as a referrer.
func setupPage(w http.ResponseWriter, r *http.Request, titleKey string) *web.Page {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := web.NewStaffPage(r, titleKey, web.StaffFrame{})
	p.Staff = nil
	return p
}

// setupLinkProblems are the pages of links that do not work, by the store's answer.
var setupLinkProblems = []struct {
	err    error
	key    string
	status int
}{
	{store.ErrSetupLinkUsed, "staff.setup.used", http.StatusGone},
	{store.ErrSetupLinkExpired, "staff.setup.expired", http.StatusGone},
	{store.ErrSetupLinkRevoked, "staff.setup.revoked", http.StatusGone},
	{store.ErrNotFound, "staff.setup.invalid", http.StatusNotFound},
}

// setupLink loads the link of the request's path, or shows why it does not work.
func (h *Handler) setupLink(w http.ResponseWriter, r *http.Request) (store.SetupLink, bool) {
	l, err := h.store.SetupLinkByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		h.setupFailed(w, r, err)
		return l, false
	}
	return l, true
}

func (h *Handler) setupFailed(w http.ResponseWriter, r *http.Request, err error) {
	for _, pr := range setupLinkProblems {
		if errors.Is(err, pr.err) {
			p := setupPage(w, r, "staff.setup.unusable_title")
			p.Data = pr.key
			h.render.Render(w, pr.status, "notice", p)
			return
		}
	}
	h.serverError(w, r, err)
}

func titleFor(purpose store.SetupPurpose) string {
	if purpose == store.SetupPasswordReset {
		return "staff.setup.reset_title"
	}
	return "staff.setup.title"
}

// setupForm shows a working link's form: the account it is for and the new password, twice.
func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.setupLink(w, r)
	if !ok {
		return
	}
	p := setupPage(w, r, titleFor(l.Purpose))
	p.Data = setupView{Email: l.User.Email, Purpose: l.Purpose, Token: r.PathValue("token")}
	h.render.Render(w, http.StatusOK, "staff_setup", p)
}

// setupSubmit sets the password the user chose and spends the link, then signs them in: on to
// enrol a second factor where their role needs one, to their code where they have one (a
// password reset keeps it), else home.
func (h *Handler) setupSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, ok := h.setupLink(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	password := r.PostFormValue("password")
	p := setupPage(w, r, titleFor(l.Purpose))
	v := setupView{Email: l.User.Email, Purpose: l.Purpose, Token: r.PathValue("token")}
	if problem := ValidatePassword(password, l.User.Email, l.User.DisplayName); problem != "" {
		v.PasswordErr = p.T(problem)
	} else if r.PostFormValue("confirm") != password {
		v.ConfirmErr = p.T("staff.setup.mismatch")
	}
	if v.Errors() {
		p.Data = v
		h.render.Render(w, http.StatusUnprocessableEntity, "staff_setup", p)
		return
	}
	hash, err := h.Hashing.Hash(ctx, password)
	if errors.Is(err, ErrBusy) {
		w.Header().Set("Retry-After", "5")
		v.PasswordErr = p.T("staff.login.busy")
		p.Data = v
		h.render.Render(w, http.StatusServiceUnavailable, "staff_setup", p)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if _, err := h.store.UseSetupLink(ctx, r.PathValue("token"), hash); err != nil {
		h.setupFailed(w, r, err) // another request spent it first, or it expired meanwhile
		return
	}
	h.startSession(w, r, l.User)
}
