package desk

import (
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// formText is a typed text as it is kept: line breaks normalised, outer space trimmed.
func formText(r *http.Request, field string) string {
	return strings.TrimSpace(grievance.NormalizeNewlines(r.PostFormValue(field)))
}

// caseStage moves the case. The rules (through the store) decide; a refusal comes back as the
// case page with the reason explained and everything typed still in the form.
func (h *Handler) caseStage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	to := grievance.CaseStage(r.PostFormValue("to"))
	c := store.CaseStageChange{
		CaseID: id, To: to, Actor: account.CurrentUser(r).Actor(), Reason: formText(r, "reason"),
		NotAcceptedReason: grievance.NotAcceptedReason(r.PostFormValue("not_accepted_reason")),
		ReferralText:      formText(r, "referral_text"), Question: formText(r, "question"),
		Outcome: grievance.Outcome(r.PostFormValue("outcome")),
	}
	var err error
	if to == grievance.CaseClosed {
		err = h.store.CloseCase(r.Context(), c, r.PostFormValue("lessons"))
	} else {
		err = h.store.ChangeCaseStage(r.Context(), c)
	}
	if field, msg, ok := ruleMessage(pageLang(r), err); ok {
		h.refuse(w, r, id, "stage:"+string(to), field, msg)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "stage")
}
