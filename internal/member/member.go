// Package member serves the member companies' portal: a company's contact people see only their
// own company's referrals, redacted as the secretariat chose, and answer for them.
package member

import (
	"log/slog"

	"github.com/remedy-grievance/remedy/internal/account"
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
func (h *Handler) Register(mux web.Router) {}
