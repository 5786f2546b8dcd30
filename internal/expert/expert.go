// Package expert serves the independent experts: they see only the cases assigned to them, after
// declaring no conflict of interest, record findings and take the transitions experts may take.
package expert

import (
	"log/slog"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the expert pages.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
	log      *slog.Logger
}

// New makes the expert pages. handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, accounts: accounts, log: log}
}

// Register adds the expert routes, each for experts only.
func (h *Handler) Register(mux web.Router) {}
