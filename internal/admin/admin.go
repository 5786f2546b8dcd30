// Package admin serves the administrator: members and their aliases, users and roles, the
// timeline settings and the rules of procedure. Admins see no case content.
package admin

import (
	"log/slog"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the admin pages.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
	log      *slog.Logger
}

// New makes the admin pages. handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, accounts: accounts, log: log}
}

// Register adds the admin routes, each for admins only.
func (h *Handler) Register(mux web.Router) {}
