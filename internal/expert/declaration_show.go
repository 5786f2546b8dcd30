package expert

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type declarationView struct {
	Assignment store.ExpertAssignment
	Parties    *store.ExpertParties // who and what the case concerns: all the expert sees before declaring
	Errors     map[string]string    // field → catalog key
	Note       string               // kept when the form comes back
}

// Err is the message key for a field, or "".
func (v declarationView) Err(field string) string { return v.Errors[field] }

// declarationShow asks an assigned expert to declare that they have no conflict of interest, or
// to declare one, showing only what a conflict is judged on (store.ExpertParties).
func (h *Handler) declarationShow(w http.ResponseWriter, r *http.Request) {
	a, ok := h.pendingAssignment(w, r)
	if !ok {
		return
	}
	h.renderDeclaration(w, r, http.StatusOK, declarationView{Assignment: a})
}

// pendingAssignment loads the expert's assignment to the case in the path when it still awaits
// the declaration. A declared expert is sent to the case; anyone else gets 404.
func (h *Handler) pendingAssignment(w http.ResponseWriter, r *http.Request) (store.ExpertAssignment, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return store.ExpertAssignment{}, false
	}
	a, err := h.store.ExpertAssignment(r.Context(), id, account.CurrentUser(r).ID)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return a, false
	}
	if !a.ConflictAt.IsZero() {
		h.accounts.NotFound(w, r)
		return a, false
	}
	if !a.DeclaredAt.IsZero() {
		http.Redirect(w, r, caseURL(id), http.StatusSeeOther)
		return a, false
	}
	return a, true
}

func (h *Handler) renderDeclaration(w http.ResponseWriter, r *http.Request, status int, v declarationView) {
	parties, err := h.store.ExpertParties(r.Context(), v.Assignment.CaseID, account.CurrentUser(r).ID)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.Parties = parties
	p := h.accounts.Page(r, "expert.declaration.title")
	p.Data = v
	h.render.Render(w, status, "expert_declaration", p)
}
