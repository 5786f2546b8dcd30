package expert

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
)

type caseListView struct {
	Cases  []store.ExpertCaseRow
	Notice string
}

// caseList lists the expert's assigned cases with clear metadata only: those awaiting the
// declaration link to it, those closed by a declared conflict link nowhere.
func (h *Handler) caseList(w http.ResponseWriter, r *http.Request) {
	rows, err := h.store.ExpertCases(r.Context(), account.CurrentUser(r).ID)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "expert.cases.title")
	v := caseListView{Cases: rows}
	if r.URL.Query().Get("conflict") == "1" {
		v.Notice = "expert.cases.conflict_recorded"
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "expert_cases", p)
}
