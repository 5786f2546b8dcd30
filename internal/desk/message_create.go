package desk

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// messageCreate posts to one of the case's three threads: to the reporter, to one company (per
// referral), or an internal note.
func (h *Handler) messageCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	m := store.NewMessage{CaseID: id, Thread: r.PostFormValue("thread"), Author: account.CurrentUser(r).Actor(), Body: formText(r, "body")}
	form, anchor := "message:"+m.Thread, "thread-"+m.Thread
	switch m.Thread {
	case store.ThreadReporter, store.ThreadInternal:
	case store.ThreadCompany:
		rid, err := strconv.ParseInt(r.PostFormValue("referral"), 10, 64)
		ref, ok := h.referralOf(w, r, id, rid, err == nil)
		if !ok {
			return
		}
		m.ReferralID = ref.ID
		form, anchor = "message:company:"+strconv.FormatInt(ref.ID, 10), "thread-company-"+strconv.FormatInt(ref.ID, 10)
	default:
		h.accounts.NotFound(w, r)
		return
	}
	if m.Body == "" {
		h.refuse(w, r, id, form, "body", locale.T(pageLang(r), "desk.message.body_required"))
		return
	}
	if _, err := h.store.CreateMessage(r.Context(), m); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, anchor)
}
