// Package desk serves the secretariat's pages: the inbox, the case page and its actions,
// screening, and reports entered by a handler. Every page is for handlers only (account.Require);
// every action asks the domain (package grievance) what is allowed. One file per action.
package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the desk.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
}

// New makes the desk's handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler) *Handler {
	return &Handler{store: s, render: render, accounts: accounts}
}

// Register adds the desk's routes, each for handlers only.
func (h *Handler) Register(mux web.Router) {
	handle := func(pattern string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, h.accounts.RequireFunc(fn, grievance.RoleHandler))
	}
	handle("GET /desk", h.inbox)
	handle("POST /desk/inbox/not-accepted", h.inboxDecline)
	handle("GET /desk/cases/{id}", h.caseShow)
	handle("POST /desk/cases/{id}/identity", h.caseIdentity)
	handle("POST /desk/cases/{id}/stage", h.caseStage)
	handle("POST /desk/cases/{id}/after-end", h.afterEndHandled)
	handle("POST /desk/cases/{id}/referrals/{rid}/stage", h.referralStage)
	handle("POST /desk/cases/{id}/referrals/{rid}/monitoring", h.monitoringCreate)
	handle("POST /desk/cases/{id}/messages", h.messageCreate)
	handle("POST /desk/cases/{id}/messages/{mid}/translations", h.translationCreate)
	handle("GET /desk/cases/{id}/files/{fid}", h.attachmentDownload)
	handle("POST /desk/cases/{id}/handler", h.caseAssign)
	handle("POST /desk/cases/{id}/experts", h.expertAssign)
	handle("POST /desk/cases/{id}/experts/{uid}/remove", h.expertRemove)
	handle("GET /desk/cases/{id}/screening", h.screeningShow)
	handle("POST /desk/cases/{id}/screening/accept", h.screeningAccept)
	handle("POST /desk/cases/{id}/screening/not-accepted", h.screeningDecline)
	handle("POST /desk/cases/{id}/screening/question", h.screeningQuestion)
	handle("GET /desk/intake", h.intakeForm)
	handle("POST /desk/intake", h.intakeSubmit)
	handle("GET /desk/approvals", h.approvalList)
	handle("POST /desk/approvals/{id}/approve", h.approvalApprove)
	handle("POST /desk/approvals/{id}/refuse", h.approvalRefuse)
}
