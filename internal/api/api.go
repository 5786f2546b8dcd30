// Package api serves the JSON API under /api/v1/: the public contract of DESIGN section 7.
// One file per action; the rules come from internal/grievance, the data from internal/store.
package api

import (
	"log/slog"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the API.
type Handler struct {
	store  *store.Store
	log    *slog.Logger
	limits grievance.Limits
	guard  *web.Guard
}

// New makes the API handler. guard is shared with the reporter pages (and every instance on the
// database), so that guessing or filing through either surface draws on one budget.
func New(s *store.Store, log *slog.Logger, guard *web.Guard) *Handler {
	return &Handler{store: s, log: log, limits: grievance.DefaultLimits, guard: guard}
}

// Register adds the API's routes to mux.
func (h *Handler) Register(mux web.Router) {
	mux.HandleFunc("POST /api/v1/reports", h.createReport)
	mux.HandleFunc("GET /api/v1/reporter/case", h.reporterCase)
	mux.HandleFunc("POST /api/v1/reporter/messages", h.createReporterMessage)
	mux.HandleFunc("GET /api/v1/me", h.me)
}
