package expert

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// referralStage moves a referral of the case as the expert. The store asks the rules and checks
// the expert's access; a refusal comes back to the page with the expert's input kept.
func (h *Handler) referralStage(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	v, p, ok := h.loadCase(w, r)
	if !ok {
		return
	}
	rid, ok := web.PathID(r, "rid")
	ref := v.referral(rid)
	if !ok || ref == nil {
		h.accounts.NotFound(w, r)
		return
	}
	to := grievance.ReferralStage(r.PostForm.Get("to"))
	change := store.ReferralStageChange{ReferralID: rid, To: to, Actor: account.CurrentUser(r).Actor(),
		Reason: r.PostForm.Get("reason"), Outcome: grievance.Outcome(r.PostForm.Get("outcome"))}
	for _, t := range r.PostForm["remedy_types"] {
		change.RemedyTypes = append(change.RemedyTypes, grievance.RemedyType(t))
	}
	err := h.store.ChangeReferralStage(r.Context(), change)
	var re *grievance.RuleError
	if !errors.As(err, &re) {
		if err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, caseURL(v.Case.ID)+"?done=moved", http.StatusSeeOther)
		return
	}
	// Keep what was typed in the form of that move, and put the message where it belongs: on
	// the field to fix, or above the referral's moves when the move itself is refused.
	v.HasErrors = true
	msg := ruleMessage(p.T, re)
	for i := range ref.Moves {
		m := &ref.Moves[i]
		if m.To != to {
			continue
		}
		m.Reason, m.Outcome, m.RemedyTypes = change.Reason, string(change.Outcome), r.PostForm["remedy_types"]
		switch re.Field {
		case "reason":
			m.ReasonError, msg = msg, ""
		case "outcome":
			m.OutcomeError, msg = msg, ""
		case "remedy_types":
			m.RemedyTypeError, msg = msg, ""
		}
	}
	ref.MoveError = msg
	h.renderCase(w, http.StatusUnprocessableEntity, p, v)
}

// ruleMessage says in the page's language why the rules refused a move.
func ruleMessage(t func(string, ...any) string, re *grievance.RuleError) string {
	stage := func(s string) string {
		if grievance.ReferralStage(s).Valid() {
			return t("code.referral_stage." + s)
		}
		return s
	}
	switch re.Code {
	case "illegal_transition", "role_not_allowed", "unknown_stage":
		return t("expert.rule."+re.Code, stage(re.From), stage(re.To))
	case "case_not_accepted", "reason_required", "outcome_required", "remedy_types_required", "invalid_code":
		return t("expert.rule." + re.Code)
	}
	return t("expert.rule.other")
}
