package expert

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
)

// findingCreate records an expert's finding about one referral (or, with referral 0, about the
// whole case). The store seals it with the case key and refuses an expert without access.
func (h *Handler) findingCreate(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	v, p, ok := h.loadCase(w, r)
	if !ok {
		return
	}
	rid, err := strconv.ParseInt(r.PostFormValue("referral"), 10, 64)
	if err != nil || rid < 0 {
		h.accounts.NotFound(w, r)
		return
	}
	form := &v.CaseFinding
	if rid != 0 {
		ref := v.referral(rid)
		if ref == nil {
			h.accounts.NotFound(w, r)
			return
		}
		form = &ref.Finding
	}
	body := r.PostFormValue("body")
	if strings.TrimSpace(body) == "" {
		form.Body, form.Error, v.HasErrors = body, p.T("expert.finding.body_required"), true
		h.renderCase(w, http.StatusUnprocessableEntity, p, v)
		return
	}
	if _, err := h.store.AddFinding(r.Context(), v.Case.ID, rid, account.CurrentUser(r).ID, body); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, caseURL(v.Case.ID)+"?done=finding#findings", http.StatusSeeOther)
}
