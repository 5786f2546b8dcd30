// Package intake serves the rights holder's pages: the home page, the rules of procedure, the
// report form and its receipt, and anonymous follow-up with the receipt. Every page works
// without JavaScript. One file per action.
package intake

import (
	"log/slog"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the reporter's pages.
type Handler struct {
	store  *store.Store
	render *web.Renderer
	guard  *web.Guard
	limits grievance.Limits
	log    *slog.Logger
}

// New makes the pages' handler; guard spends the budgets shared with the API (and with every
// instance on the same database).
func New(s *store.Store, render *web.Renderer, guard *web.Guard, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, guard: guard, limits: grievance.DefaultLimits, log: log}
}

// Register adds the pages' routes.
func (h *Handler) Register(mux web.Router) {
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /rules", h.rules)
	mux.HandleFunc("GET /language", h.language)
	mux.HandleFunc("GET /report", h.reportForm)
	mux.HandleFunc("POST /report", h.reportSubmit)
	mux.HandleFunc("GET /follow-up", h.followupLogin)
	mux.HandleFunc("POST /follow-up", h.followupLoginSubmit)
	mux.HandleFunc("GET /follow-up/case", h.followupCase)
	mux.HandleFunc("POST /follow-up/messages", h.followupMessage)
	mux.HandleFunc("GET /follow-up/files/{fid}", h.followupFile)
	mux.HandleFunc("POST /follow-up/withdraw", h.followupWithdraw)
	mux.HandleFunc("POST /follow-up/satisfaction", h.followupSatisfaction)
	mux.HandleFunc("POST /follow-up/logout", h.followupLogout)
	mux.HandleFunc("POST /follow-up/address", h.followupAddress)
	mux.HandleFunc("GET /favicon.ico", noIcon)
	mux.HandleFunc("GET /", h.notFound)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "notice.not_found_title")
	p.Data = "notice.not_found"
	h.render.Render(w, http.StatusNotFound, "notice", p)
}

// serverError logs the failure without request content and shows a translated page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("page failed", "route", r.Pattern, "error", err.Error())
	status, key := web.Failure(w, err)
	p := web.NewPage(r, "notice."+key+"_title")
	p.Data = "notice." + key
	h.render.Render(w, status, "notice", p)
}

// errorItem is one line of an error summary, linked to its field.
type errorItem struct {
	Anchor string
	Text   string
}

// noIcon answers browsers' automatic icon request with nothing rather than a 404 page, which
// would cost every first visit a few kilobytes.
func noIcon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusNoContent)
}
