package desk

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// screeningDecline does not accept the report: a reason code for the record and statistics, and
// a text in the reporter's language telling them where else they can go, which the store puts in
// the reporter's thread.
func (h *Handler) screeningDecline(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	err := h.store.ChangeCaseStage(r.Context(), store.CaseStageChange{
		CaseID: id, To: grievance.CaseNotAccepted, Actor: account.CurrentUser(r).Actor(),
		NotAcceptedReason: grievance.NotAcceptedReason(r.PostFormValue("not_accepted_reason")),
		ReferralText:      formText(r, "referral_text"),
	})
	h.screeningDone(w, r, id, "decline", err)
}

// screeningQuestion asks the reporter for information: the question reaches their thread and
// the case waits for the answer (or the time-out) in awaiting_information.
func (h *Handler) screeningQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	err := h.store.ChangeCaseStage(r.Context(), store.CaseStageChange{
		CaseID: id, To: grievance.CaseAwaitingInformation, Actor: account.CurrentUser(r).Actor(), Question: formText(r, "question"),
	})
	h.screeningDone(w, r, id, "question", err)
}

// screeningDone answers a screening decision: back to the case, or the screening page again
// (422) with the rules' reason and the text kept.
func (h *Handler) screeningDone(w http.ResponseWriter, r *http.Request, caseID int64, form string, err error) {
	if field, msg, ok := ruleMessage(pageLang(r), err); ok {
		h.showScreening(w, r, caseID, http.StatusUnprocessableEntity, nil, func(v *screeningView) {
			v.Posted = &posted{Form: form, Values: r.PostForm, Error: msg, Field: field}
		})
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, caseID, "stage")
}
