package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
)

// caseShow is the case page: the whole report, its history and deadlines, the moves the rules
// allow now, the three threads, files, and who works on it.
func (h *Handler) caseShow(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	// Marked seen as of before the page is read: what it shows is no longer new, and a move made
	// while it is built is later than the mark and shows as new next time.
	if err := h.store.MarkCaseSeen(r.Context(), account.CurrentUser(r).ID, id, h.store.Now()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	h.showCase(w, r, id, http.StatusOK, func(v *caseView) { v.Saved = r.URL.Query().Get("saved") == "1" })
}
