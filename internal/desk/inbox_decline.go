package desk

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
)

// bulkView is the inbox's bulk form: what was posted, when it is shown again with a problem, and
// how many cases the last bulk action declined.
type bulkView struct {
	Error    string
	Reason   string
	Text     string
	Selected map[int64]bool
	Done     int
}

// inboxDecline does not accept the selected cases, all for one reason (abusive or duplicate),
// with one message to their reporters: how a handler clears a flood of junk filings. The store
// moves and audits each case on its own; cases already past screening are left alone. A plain
// form post, so the cross-origin protection of every staff form covers it.
func (h *Handler) inboxDecline(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	bulk := bulkView{Reason: r.PostFormValue("not_accepted_reason"), Text: formText(r, "referral_text"), Selected: map[int64]bool{}}
	var ids []int64
	for _, v := range r.PostForm["case"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !bulk.Selected[id] {
			ids = append(ids, id)
			bulk.Selected[id] = true
		}
	}
	lang := pageLang(r)
	if len(ids) == 0 {
		bulk.Error = locale.T(lang, "desk.bulk.none_selected")
		h.showInbox(w, r, back, http.StatusUnprocessableEntity, bulk)
		return
	}
	declined, _, err := h.store.DeclineCases(r.Context(), ids, grievance.NotAcceptedReason(bulk.Reason), bulk.Text, account.CurrentUser(r).Actor())
	var fe grievance.FieldErrors
	if errors.As(err, &fe) {
		bulk.Error = locale.T(lang, "desk.rule.other")
		if _, ok := fe["referral_text"]; ok {
			bulk.Error = locale.T(lang, "desk.rule.referral_text_required")
		}
		h.showInbox(w, r, back, http.StatusUnprocessableEntity, bulk)
		return
	}
	if _, msg, ok := ruleMessage(lang, err); ok {
		bulk.Error = msg
		h.showInbox(w, r, back, http.StatusUnprocessableEntity, bulk)
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	back.Set("declined", strconv.Itoa(declined))
	http.Redirect(w, r, "/desk?"+back.Encode(), http.StatusSeeOther)
}
