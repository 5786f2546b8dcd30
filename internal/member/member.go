// Package member serves the member companies' portal: a company's contact people see only their
// own company's referrals, redacted as the secretariat chose, and answer for them. Every gate is
// in the store (the Member* methods, AddMonitoringCheck and ChangeReferralStage answer
// ErrNotFound for another company's referral), so a page cannot forget one. One file per action.
package member

import (
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
}

// New makes the portal's handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler) *Handler {
	return &Handler{store: s, render: render, accounts: accounts}
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

func referralURL(id int64) string { return "/member/referrals/" + strconv.FormatInt(id, 10) }

// maxPlainFormBytes bounds a form without files (a move, an implementation update).
const maxPlainFormBytes = 1 << 20
