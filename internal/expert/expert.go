// Package expert serves the independent experts: they see only the cases assigned to them, after
// declaring no conflict of interest, record findings and take the transitions experts may take.
// Every gate is in the store (ExpertCase, AddFinding, ChangeReferralStage answer ErrNotFound
// to an expert who may not act), so a page cannot forget one. One file per action.
package expert

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the expert pages.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
}

// New makes the expert pages. handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler) *Handler {
	return &Handler{store: s, render: render, accounts: accounts}
}

// Register adds the expert routes, each for experts only.
func (h *Handler) Register(mux web.Router) {
	handle := func(pattern string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, h.accounts.RequireFunc(fn, grievance.RoleExpert))
	}
	handle("GET /expert", h.caseList)
	handle("GET /expert/cases/{id}/declaration", h.declarationShow)
	handle("POST /expert/cases/{id}/declaration", h.declarationSubmit)
	handle("GET /expert/cases/{id}", h.caseShow)
	handle("POST /expert/cases/{id}/identity", h.identityShow)
	handle("POST /expert/cases/{id}/findings", h.findingCreate)
	handle("POST /expert/cases/{id}/referrals/{rid}/stage", h.referralStage)
}

// maxFormBytes bounds a posted form: a long finding fits many times over.
const maxFormBytes = 1 << 20

// parseForm reads a posted form within maxFormBytes; a larger one is refused (413) before any
// of it is used.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p := h.accounts.Page(r, "common.too_large_title")
		p.Data = "common.too_large"
		h.render.Render(w, http.StatusRequestEntityTooLarge, "notice", p)
		return false
	}
	return true
}

func caseURL(id int64) string { return "/expert/cases/" + strconv.FormatInt(id, 10) }
