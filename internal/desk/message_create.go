package desk

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/media"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// messageCreate posts to one of the case's three threads: to the reporter, to one company (per
// referral), or an internal note, with files read like every upload (web.ReadAttachments).
func (h *Handler) messageCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	r, f, done := web.ReadAttachments(w, r)
	defer done()
	r.PostForm = f.Values // refuse shows the form again from r.PostForm
	body := strings.TrimSpace(grievance.NormalizeNewlines(f.Values.Get("body")))
	m := store.NewMessage{CaseID: id, Thread: f.Values.Get("thread"), Author: account.CurrentUser(r).Actor(), Body: body}
	form, anchor := "message:"+m.Thread, "thread-"+m.Thread
	switch m.Thread {
	case store.ThreadReporter, store.ThreadInternal:
	case store.ThreadCompany:
		rid, err := strconv.ParseInt(f.Values.Get("referral"), 10, 64)
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
	lang := pageLang(r)
	if f.Problem != "" {
		h.refuse(w, r, id, form, "files", locale.T(lang, "desk.message.file_"+f.Problem))
		return
	}
	if m.Body == "" && len(f.Attachments) == 0 {
		h.refuse(w, r, id, form, "body", locale.T(lang, "desk.message.body_required"))
		return
	}
	files, ok := outgoingFiles(m.Thread, f.Attachments)
	if !ok {
		h.refuse(w, r, id, form, "files", locale.T(lang, "desk.message.file_not_cleanable"))
		return
	}
	m.Attachments = files
	if _, err := h.store.CreateMessage(r.Context(), m); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, anchor)
}

// outgoingFiles makes the files of a message leaving the secretariat (to the reporter or to a
// company) into their copies without metadata, and only those are stored: nothing of what the
// secretariat's own software wrote in them (author names, GPS, the editing history) can reach
// the other side, whatever a later download path does. A file that cannot be cleaned is refused
// (ok false) for both: a PDF letter may carry its author and the machine it was written on, and
// the reporter may read it on a shared phone. Internal notes keep their files as they are.
func outgoingFiles(thread string, files []grievance.Attachment) ([]grievance.Attachment, bool) {
	if thread == store.ThreadInternal {
		web.ShareableCopies(files)
		return files, true
	}
	for _, a := range files {
		if !media.Cleans(a.ContentType) {
			return nil, false
		}
	}
	web.ShareableCopies(files)
	out := make([]grievance.Attachment, 0, len(files))
	for _, a := range files {
		if a.Shareable == nil { // damaged, too large, or the server busy
			return nil, false
		}
		out = append(out, grievance.Attachment{Name: a.Name, ContentType: media.CopyType(a.ContentType), Data: a.Shareable, Shareable: a.Shareable})
	}
	return out, true
}
