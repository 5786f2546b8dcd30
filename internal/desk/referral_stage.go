package desk

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// caseReferral reads the {rid} of the path and checks that it is a referral of the case.
func (h *Handler) caseReferral(w http.ResponseWriter, r *http.Request, caseID int64) (store.Referral, bool) {
	rid, ok := web.PathID(r, "rid")
	return h.referralOf(w, r, caseID, rid, ok)
}

// referralOf checks that rid is a referral of the case; anything else is not found.
func (h *Handler) referralOf(w http.ResponseWriter, r *http.Request, caseID, rid int64, ok bool) (store.Referral, bool) {
	if ok {
		refs, err := h.store.Referrals(r.Context(), caseID)
		if err != nil {
			h.accounts.Fail(w, r, err)
			return store.Referral{}, false
		}
		for _, ref := range refs {
			if ref.ID == rid {
				return ref, true
			}
		}
	}
	h.accounts.NotFound(w, r)
	return store.Referral{}, false
}

// referralStage moves one company's referral.
func (h *Handler) referralStage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	ref, ok := h.caseReferral(w, r, id)
	if !ok {
		return
	}
	to := grievance.ReferralStage(r.PostFormValue("to"))
	c := store.ReferralStageChange{
		ReferralID: ref.ID, To: to, Actor: account.CurrentUser(r).Actor(), Reason: formText(r, "reason"),
		Outcome: grievance.Outcome(r.PostFormValue("outcome")),
	}
	for _, t := range r.PostForm["remedy_types"] {
		c.RemedyTypes = append(c.RemedyTypes, grievance.RemedyType(t))
	}
	err := h.store.ChangeReferralStage(r.Context(), c)
	if field, msg, ok := ruleMessage(pageLang(r), err); ok {
		h.refuse(w, r, id, "referral:"+strconv.FormatInt(ref.ID, 10)+":"+string(to), field, msg)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "referral-"+strconv.FormatInt(ref.ID, 10))
}
