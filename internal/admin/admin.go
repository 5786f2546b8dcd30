// Package admin serves the administrator: members and their aliases, users and roles, the
// timeline settings and the rules of procedure. Admins see no case content: nothing here reads
// a case. Every page is for admins only (account.Require). One file per action.
package admin

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the admin pages.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
	mail     Mail
}

// New makes the admin pages' handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler) *Handler {
	return &Handler{store: s, render: render, accounts: accounts}
}

// Register adds the admin routes, each for admins only.
func (h *Handler) Register(mux web.Router) {
	handle := func(pattern string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, h.accounts.RequireFunc(fn, grievance.RoleAdmin))
	}
	handle("GET /admin", h.home)
	handle("GET /admin/members", h.memberList)
	handle("GET /admin/members/new", h.memberNew)
	handle("POST /admin/members", h.memberCreate)
	handle("GET /admin/members/{id}", h.memberShow)
	handle("POST /admin/members/{id}", h.memberUpdate)
	handle("GET /admin/users", h.userList)
	handle("GET /admin/users/new", h.userNew)
	handle("POST /admin/users", h.userCreate)
	handle("GET /admin/users/{id}", h.userShow)
	handle("POST /admin/users/{id}", h.userUpdate)
	handle("POST /admin/users/{id}/disable", h.userDisable)
	handle("POST /admin/users/{id}/enable", h.userEnable)
	handle("POST /admin/users/{id}/reset-totp", h.userResetTOTP)
	handle("POST /admin/users/{id}/setup-link", h.userSetupLink)
	handle("POST /admin/users/{id}/password-reset", h.userPasswordReset)
	handle("GET /admin/settings", h.settingsShow)
	handle("POST /admin/settings/timeline", h.settingsTimeline)
	handle("POST /admin/settings/rules", h.settingsRules)
	handle("POST /admin/settings/register", h.settingsRegister)
	handle("POST /admin/settings/second-factor", h.settingsSecondFactor)
	handle("POST /admin/settings/mail-test", h.settingsMailTest)
}

// home sends /admin on to the first admin page.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, account.HomeFor(grievance.RoleAdmin), http.StatusSeeOther)
}

// maxForm bounds a form's body: the rules text is the largest field (store.MaxRulesText
// characters, up to 4 bytes each).
const maxForm = 4*store.MaxRulesText + 64<<10

// parseForm reads a posted form within maxForm.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	return r.ParseForm()
}

// fieldErrors maps a form field's name to its message, already in the admin's language.
type fieldErrors map[string]string

// form is what every admin form template receives: the values as typed and the errors.
type form struct {
	Errors fieldErrors
	Saved  bool // the page follows a successful save (POST-redirect-GET with ?saved=1)
}

// Err is the message for a field, "" when it is fine.
func (f form) Err(field string) string { return f.Errors[field] }

// fieldOrder is the order fields appear in on the admin forms, for the error summary.
var fieldOrder = []string{
	"name_en", "name_ja", "sector", "aliases_group_company", "aliases_brand", "aliases_supplier", "left_on",
	"email", "display_name", "role", "member_id",
}

// fieldError is one line of the error summary.
type fieldError struct {
	Field   string
	Message string
}

// Summary lists the errors in the order of the form's fields.
func (f form) Summary() []fieldError {
	var out []fieldError
	for _, name := range fieldOrder {
		if msg, ok := f.Errors[name]; ok {
			out = append(out, fieldError{name, msg})
		}
	}
	return out
}
