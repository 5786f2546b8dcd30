package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/web"
)

// errorBody is the error format of the public contract: a message, and per-field messages.
type errorBody struct {
	Error  string            `json:"error"`
	Code   string            `json:"code"`
	Fields map[string]string `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with a translated message; fields maps field names to problem codes.
func writeError(w http.ResponseWriter, status int, lang, code string, fields map[string]string) {
	body := errorBody{Error: locale.T(lang, "error."+code), Code: code}
	if len(fields) > 0 {
		body.Fields = make(map[string]string, len(fields))
		for f, problem := range fields {
			body.Fields[f] = locale.T(lang, "field."+problem)
		}
	}
	writeJSON(w, status, body)
}

// throttledBody is a 429 answer: when to try again and, while the shared budgets are spent, a
// proof-of-work challenge whose solution (sent in the Remedy-Proof header) admits the request
// through a second, separately bounded budget.
type throttledBody struct {
	errorBody
	RetryAfter int    `json:"retry_after"`
	Challenge  string `json:"challenge,omitempty"`
	ProofBits  int    `json:"proof_bits,omitempty"`
}

func writeThrottled(w http.ResponseWriter, lang, code string, d web.Decision) {
	w.Header().Set("Retry-After", d.RetryAfter())
	if d.Challenge != "" {
		w.Header().Set(web.ChallengeHeader, d.Challenge)
	}
	secs, _ := strconv.Atoi(d.RetryAfter())
	writeJSON(w, http.StatusTooManyRequests, throttledBody{errorBody: errorBody{Error: locale.T(lang, "error."+code), Code: code},
		RetryAfter: secs, Challenge: d.Challenge, ProofBits: d.Bits})
}

// requestLanguage is the language to answer r in, preferring the explicit choices given.
func requestLanguage(r *http.Request, preferred ...string) string {
	return locale.Match(append(preferred, r.Header.Get("Accept-Language"))...)
}

// ruleFields turns a refusal by the rules into a field error.
func ruleFields(err error) (map[string]string, bool) {
	var fe grievance.FieldErrors
	if errors.As(err, &fe) {
		return fe, true
	}
	var re *grievance.RuleError
	if errors.As(err, &re) {
		field := re.Field
		if field == "" {
			field = "stage"
		}
		return map[string]string{field: "not_allowed"}, true
	}
	return nil, false
}

// internalError logs what went wrong without request content and answers 500.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	h.log.Error("request failed", "route", r.Pattern, "error", fmt.Sprint(err))
	if status, _ := web.Failure(w, err); status == http.StatusServiceUnavailable {
		writeError(w, status, lang, "unavailable", nil)
		return
	}
	writeError(w, http.StatusInternalServerError, lang, "internal", nil)
}
