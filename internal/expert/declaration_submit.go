package expert

import (
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/web"
)

// declarationSubmit records the declaration: "no conflict" (the box must be ticked) opens the
// case; "conflict" ends the expert's access to it for good, with an optional note that goes
// sealed to the secretariat so that they can assign someone else. A conflict found after
// declaring none may still be declared, and ends the access the same way.
func (h *Handler) declarationSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	expertID := account.CurrentUser(r).ID
	note := r.PostFormValue("note")
	if r.PostFormValue("decision") == "conflict" {
		id, ok := web.PathID(r, "id")
		if !ok {
			h.accounts.NotFound(w, r)
			return
		}
		if err := h.store.DeclareConflict(r.Context(), id, expertID, strings.TrimSpace(note)); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/expert?conflict=1", http.StatusSeeOther)
		return
	}
	a, ok := h.pendingAssignment(w, r)
	if !ok {
		return
	}
	switch r.PostFormValue("decision") {
	case "no_conflict":
		if r.PostFormValue("no_conflict") != "1" {
			h.renderDeclaration(w, r, http.StatusUnprocessableEntity, declarationView{Assignment: a, Note: note,
				Errors: map[string]string{"no_conflict": "expert.declaration.confirm_required"}})
			return
		}
		if err := h.store.DeclareNoConflict(r.Context(), a.CaseID, expertID); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, caseURL(a.CaseID), http.StatusSeeOther)
	default:
		h.renderDeclaration(w, r, http.StatusUnprocessableEntity, declarationView{Assignment: a, Note: note,
			Errors: map[string]string{"decision": "expert.declaration.decision_required"}})
	}
}
