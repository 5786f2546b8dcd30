// Package member serves the member companies' portal: a company's contact people see only their
// own company's referrals, redacted as the secretariat chose, and answer for them. Every gate is
// in the store (the Member* methods, AddMonitoringCheck and ChangeReferralStage answer
// ErrNotFound for another company's referral), so a page cannot forget one. One file per action.
package member

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the member portal.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
	log      *slog.Logger
}

// New makes the portal's handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, accounts: accounts, log: log}
}

// Register adds the portal's routes, each for member users only.
func (h *Handler) Register(mux web.Router) {
	handle := func(pattern string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, h.accounts.RequireFunc(fn, grievance.RoleMember))
	}
	handle("GET /member", h.referralList)
	handle("GET /member/referrals/{id}", h.referralShow)
	handle("POST /member/referrals/{id}/stage", h.referralStage)
	handle("POST /member/referrals/{id}/messages", h.messageCreate)
	handle("POST /member/referrals/{id}/monitoring", h.monitoringCreate)
	handle("GET /member/referrals/{id}/files/{fid}", h.fileDownload)
	handle("POST /member/referrals/{id}/identity", h.identityShow)
}

// user is the signed-in member user (Require put them in the context). Their MemberID is the
// company every store call is scoped to.
func user(r *http.Request) store.User {
	u, _ := account.UserFrom(r.Context())
	return u
}

// pathID reads a numeric path value; a malformed one is simply not found.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func referralURL(id int64) string { return "/member/referrals/" + strconv.FormatInt(id, 10) }

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	p := h.accounts.Page(r, "notice.not_found_title")
	p.Data = "common.not_found"
	h.render.Render(w, http.StatusNotFound, "notice", p)
}

// fail answers a store error: another company's referral, a missing one and a forbidden read
// look alike (404), anything else is logged (the route and the error only, never content).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrForbidden) {
		h.notFound(w, r)
		return
	}
	h.log.Error("member page failed", "route", r.Pattern, "error", err.Error())
	p := h.accounts.Page(r, "notice.error_title")
	p.Data = "notice.error"
	h.render.Render(w, http.StatusInternalServerError, "notice", p)
}

// maxPlainFormBytes bounds a form without files (a move, an implementation update).
const maxPlainFormBytes = 1 << 20
