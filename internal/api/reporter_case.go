package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/web"
)

// reporterCaseID resolves the Receipt authorization, spending the shared guessing budgets on
// wrong guesses only. It answers the request itself and returns false when the reporter is not
// let in. A receipt whose check digit is wrong is answered 400 before any lookup.
func (h *Handler) reporterCaseID(w http.ResponseWriter, r *http.Request, lang string) (int64, bool) {
	scheme, receipt, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Receipt") {
		w.Header().Set("WWW-Authenticate", "Receipt")
		writeError(w, http.StatusUnauthorized, lang, "unauthorized", nil)
		return 0, false
	}
	id, outcome, d, err := h.guard.OpenReceipt(r.Context(), r, receipt, r.Header.Get(web.ProofHeader))
	if err != nil {
		h.internalError(w, r, lang, err)
		return 0, false
	}
	switch outcome {
	case web.ReceiptMistyped:
		writeError(w, http.StatusBadRequest, lang, "mistyped_receipt", nil)
		return 0, false
	case web.ReceiptWrong:
		w.Header().Set("WWW-Authenticate", "Receipt")
		writeError(w, http.StatusUnauthorized, lang, "unauthorized", nil)
		return 0, false
	case web.ReceiptThrottled:
		writeThrottled(w, lang, "throttled", d)
		return 0, false
	}
	return id, true
}

type historyJSON struct {
	Stage string    `json:"stage"`
	At    time.Time `json:"at"`
}

type messageJSON struct {
	ID   int64     `json:"id"`
	From string    `json:"from"` // "reporter" or "secretariat"
	Body string    `json:"body"`
	At   time.Time `json:"at"`
}

type reporterCaseJSON struct {
	Reference   string        `json:"reference"`
	Stage       string        `json:"stage"`
	ReceivedAt  time.Time     `json:"received_at"`
	NextDueAt   *time.Time    `json:"next_due_at,omitempty"`
	Language    string        `json:"language"`
	Description string        `json:"description"`
	History     []historyJSON `json:"history"`
	Messages    []messageJSON `json:"messages"`
}

func (h *Handler) reporterCase(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	id, ok := h.reporterCaseID(w, r, lang)
	if !ok {
		return
	}
	c, err := h.store.ReporterCase(r.Context(), id)
	if err != nil {
		h.internalError(w, r, lang, err)
		return
	}
	out := reporterCaseJSON{Reference: c.Reference, Stage: string(c.Stage), ReceivedAt: c.ReceivedAt.UTC(), Language: c.Language,
		Description: c.Description, History: []historyJSON{}, Messages: []messageJSON{}}
	if !c.DueAt.IsZero() {
		due := c.DueAt.UTC()
		out.NextDueAt = &due
	}
	for _, s := range c.History {
		out.History = append(out.History, historyJSON{Stage: s.To, At: s.At.UTC()})
	}
	for _, m := range c.Messages {
		from := "secretariat"
		if m.AuthorRole == string(grievance.RoleReporter) {
			from = "reporter"
		}
		out.Messages = append(out.Messages, messageJSON{ID: m.ID, From: from, Body: m.Body, At: m.At.UTC()})
	}
	writeJSON(w, http.StatusOK, out)
}
