package desk

import (
	"net/http"
	"time"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/store"
)

// approvalsView is the list of account requests waiting for a handler, and after an approval
// the link it made, shown this once.
type approvalsView struct {
	Approvals   []store.Approval
	Me          int64  // the signed-in handler, who cannot decide on requests about themselves
	Done        string // what the last decision did, as a catalog key
	Error       string
	Link        string
	LinkExpires time.Time
	LinkFor     string // the email of the account the link is for
}

// approvalDone are the results a redirect to the list may announce.
var approvalDone = map[string]string{
	"refused":    "desk.approvals.done_refused",
	"totp_reset": "desk.approvals.done_totp_reset",
}

// approvalList shows the requests administrators made that wait for a handler: new handler
// accounts, handlers' password reset links and second-factor resets of accounts that see case
// content.
func (h *Handler) approvalList(w http.ResponseWriter, r *http.Request) {
	h.showApprovals(w, r, http.StatusOK, approvalsView{Done: approvalDone[r.URL.Query().Get("done")]})
}

func (h *Handler) showApprovals(w http.ResponseWriter, r *http.Request, status int, v approvalsView) {
	list, err := h.store.Approvals(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.Approvals, v.Me = list, account.CurrentUser(r).ID
	p := h.accounts.Page(r, "desk.approvals.title")
	p.Data = v
	w.Header().Set("Cache-Control", "no-store")
	h.render.Render(w, status, "desk_approvals", p)
}
