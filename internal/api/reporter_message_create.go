package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

type reporterMessageJSON struct {
	Body string `json:"body"`
}

func (h *Handler) createReporterMessage(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	id, ok := h.reporterCaseID(w, r, lang)
	if !ok {
		return
	}
	var body reporterMessageJSON
	if !decodeJSON(w, r, &body, lang, "invalid_message", MaxMessageBytes) {
		return
	}
	text := strings.TrimSpace(grievance.NormalizeNewlines(body.Body))
	switch {
	case text == "":
		writeError(w, http.StatusBadRequest, lang, "invalid_message", map[string]string{"body": "required"})
		return
	case utf8.RuneCountInString(text) > h.limits.TextRunes:
		writeError(w, http.StatusBadRequest, lang, "invalid_message", map[string]string{"body": "too_long"})
		return
	}
	msgID, err := h.store.CreateMessage(r.Context(), store.NewMessage{CaseID: id, Thread: store.ThreadReporter, Author: store.Actor{Role: string(grievance.RoleReporter)}, Body: text})
	if err != nil {
		if fields, ok := ruleFields(err); ok {
			writeError(w, http.StatusConflict, lang, "invalid_message", fields)
			return
		}
		h.internalError(w, r, lang, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": msgID})
}
