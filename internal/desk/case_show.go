package desk

import "net/http"

// caseShow is the case page: the whole report, its history and deadlines, the moves the rules
// allow now, the three threads, files, and who works on it.
func (h *Handler) caseShow(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	h.showCase(w, r, id, http.StatusOK, func(v *caseView) { v.Saved = r.URL.Query().Get("saved") == "1" })
}
