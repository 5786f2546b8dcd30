package intake

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

func (h *Handler) followupSatisfaction(w http.ResponseWriter, r *http.Request) {
	id, ok := h.sessionCase(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	// Browsers send a textarea's line breaks as CRLF; stored text uses LF, as the report does.
	comment := grievance.NormalizeNewlines(r.PostFormValue("comment"))
	err := h.store.SetSatisfaction(r.Context(), id, rating, comment, store.Actor{Role: string(grievance.RoleReporter)})
	var fe grievance.FieldErrors
	var re *grievance.RuleError
	switch {
	case errors.As(err, &fe), errors.As(err, &re):
		v, verr := h.caseView(r, id)
		if verr != nil {
			h.serverError(w, r, verr)
			return
		}
		v.SatisfactionComment = comment
		code := "required"
		if re != nil {
			code = "not_allowed"
		}
		h.renderCaseErrors(w, r, v, map[string]string{"satisfaction": code})
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/follow-up/case?done=thanks", http.StatusSeeOther)
}
