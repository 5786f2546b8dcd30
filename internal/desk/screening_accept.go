package desk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// screeningAccept accepts the case and refers it to the companies the handler chose, each with
// its own edited narrative, the identity only with the reporter's consent, and the reporter's
// files chosen for it. "Add a member" (op=add) shows the form again with one more company and
// everything typed kept.
func (h *Handler) screeningAccept(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.accounts.NotFound(w, r)
		return
	}
	p := h.screeningPage(r, id)
	v, err := h.loadScreening(r, id, p.Lang, r.PostForm)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	again := func(status int) {
		p.Title = p.T("desk.screening.title_ref", v.Case.Reference)
		p.Data = v
		h.render.Render(w, status, "desk_screening", p)
	}
	if r.PostForm.Get("op") == "add" {
		member, _ := strconv.ParseInt(r.PostForm.Get("add_member"), 10, 64)
		if !v.addCandidate(member) {
			v.AcceptError = p.T("desk.screening.choose_member")
		}
		again(http.StatusOK)
		return
	}
	refs, ok := acceptedReferrals(v, p.Lang)
	if !ok {
		v.AcceptError = p.T("desk.screening.fix_companies")
		again(http.StatusUnprocessableEntity)
		return
	}
	err = h.store.AcceptCase(r.Context(), store.Acceptance{CaseID: id, Actor: account.CurrentUser(r).Actor(), Referrals: refs})
	var fe grievance.FieldErrors
	switch {
	case err == nil:
		saved(w, r, id, "referrals")
		return
	case errors.Is(err, store.ErrFileNotShareable):
		v.AcceptError = p.T("desk.screening.file_not_shareable")
	case errors.As(err, &fe):
		v.AcceptError = p.T("desk.screening.choose_member")
	default:
		_, msg, ok := ruleMessage(p.Lang, err)
		if !ok {
			h.accounts.Fail(w, r, err)
			return
		}
		v.AcceptError = msg
	}
	again(http.StatusUnprocessableEntity)
}

// acceptedReferrals turns the chosen candidates into referrals, or marks what must be fixed.
func acceptedReferrals(v *screeningView, lang string) ([]store.AcceptedReferral, bool) {
	shareable := map[int64]bool{}
	for _, f := range v.Files {
		shareable[f.ID] = true
	}
	var refs []store.AcceptedReferral
	ok := true
	for _, c := range v.Candidates {
		if !c.Refer {
			continue
		}
		switch {
		case c.Narrative == "":
			c.Error = locale.T(lang, "desk.screening.narrative_required")
		case c.ShareIdentity && !v.Case.Consent:
			// The box is disabled without consent; a forced one is refused here and, again, by
			// the store.
			c.Error = locale.T(lang, "desk.rule.identity_consent_missing")
		case slices.ContainsFunc(c.Files, func(f int64) bool { return !shareable[f] }):
			c.Error = locale.T(lang, "desk.screening.file_not_shareable")
		}
		if c.Error != "" {
			ok = false
			continue
		}
		ref := store.AcceptedReferral{CompanyID: c.CompanyID, ShareIdentity: c.ShareIdentity, SharedNarrative: c.Narrative, Files: c.Files}
		if c.CompanyID == 0 {
			ref.MemberID, ref.Relation = c.MemberID, c.Relation
		}
		refs = append(refs, ref)
	}
	return refs, ok
}
