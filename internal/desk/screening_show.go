package desk

import "net/http"

// screeningShow is the screening page of a case.
func (h *Handler) screeningShow(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	h.showScreening(w, r, id, http.StatusOK, nil, nil)
}
