package member

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
)

type listView struct {
	Rows []store.MemberReferralRow
}

// referralList shows the company's referrals, nearest deadline first, with missed deadlines
// marked.
func (h *Handler) referralList(w http.ResponseWriter, r *http.Request) {
	me := account.CurrentUser(r)
	rows, err := h.store.MemberReferrals(r.Context(), me.MemberID, me.ID, h.store.Now())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "member.list.title")
	p.Data = listView{Rows: rows}
	h.render.Render(w, http.StatusOK, "member_referrals", p)
}
