package member

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// referralStage makes one of the company's moves: the initial assessment (forwarded →
// responded, its text the reason), the remedy agreed (its types and the plan as the reason), or
// starting implementation. The store asks the rules and checks the referral is the company's; a
// refusal comes back to the page with everything typed kept.
func (h *Handler) referralStage(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPlainFormBytes)
	if err := r.ParseForm(); err != nil {
		h.accounts.NotFound(w, r)
		return
	}
	u := account.CurrentUser(r)
	form := r.PostForm
	to := grievance.ReferralStage(form.Get("to"))
	reason := strings.TrimSpace(grievance.NormalizeNewlines(form.Get("reason")))
	change := store.ReferralStageChange{ReferralID: id, To: to, Actor: u.Actor(), Reason: reason, Outcome: grievance.Outcome(form.Get("outcome"))}
	for _, t := range form["remedy_types"] {
		change.RemedyTypes = append(change.RemedyTypes, grievance.RemedyType(t))
	}
	var err error
	if tooLong(reason) {
		err = errTooLong
	} else {
		err = h.store.ChangeReferralStage(r.Context(), change)
	}
	var re *grievance.RuleError
	if err != nil && !errors.As(err, &re) && err != errTooLong {
		h.accounts.Fail(w, r, err)
		return
	}
	if err == nil {
		http.Redirect(w, r, referralURL(id)+"?done=moved#moves", http.StatusSeeOther)
		return
	}
	v, p, ok := h.loadReferral(w, r)
	if !ok {
		return
	}
	v.HasErrors = true
	msg, field := "", "stage"
	if err == errTooLong {
		msg, field = p.T("member.error.too_long"), "reason"
	} else {
		msg, field = ruleMessage(p.T, re), re.Field
	}
	// Keep what was typed in the form of that move and put the message on the field to fix,
	// or above the moves when the move itself is refused.
	offered := false
	for i := range v.Moves {
		m := &v.Moves[i]
		if m.To != to {
			continue
		}
		offered = true
		m.Values = form
		switch field {
		case "reason", "outcome", "remedy_types":
			m.Errors = map[string]string{field: msg}
			msg = ""
		}
	}
	if !offered {
		// The move is no longer one the company can make (another user made it first, say):
		// the text stays on the page so that it is not lost.
		v.LostText = form.Get("reason")
	}
	v.MoveError = msg
	h.renderReferral(w, http.StatusUnprocessableEntity, p, v)
}
