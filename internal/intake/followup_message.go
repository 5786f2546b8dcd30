package intake

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// followupMessage sends the reporter's message — at any stage, also after the case has ended
// (the desk then sees it: store.markAfterEnd). A message sent after the session ran out is kept
// for the next sign-in (followup_draft.go).
func (h *Handler) followupMessage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.liveSessionCase(r)
	if !ok {
		if !h.keepDraft(w, r) {
			h.sessionCase(w, r) // sends them to sign in (again)
		}
		return
	}
	values, files, fileProblem := web.ReadForm(w, r)
	if fileProblem == "too_slow" { // the cut connection ended r's context; answer all the same
		ctx, cancel := web.Detached(r)
		defer cancel()
		r = r.WithContext(ctx)
	}
	body := strings.TrimSpace(grievance.NormalizeNewlines(values.Get("body")))
	problems := map[string]string{}
	if fileProblem != "" {
		problems["attachments"] = fileProblem
	}
	var attachments []grievance.Attachment
	for _, u := range files {
		a, problem := web.PrepareAttachment(u.Name, u.Data)
		if problem != "" {
			problems["attachments"] = problem
		}
		attachments = append(attachments, a)
	}
	switch {
	case body == "" && len(attachments) == 0:
		problems["body"] = "required"
	case utf8.RuneCountInString(body) > h.limits.TextRunes:
		problems["body"] = "too_long"
	}
	if len(problems) > 0 {
		v, err := h.caseView(r, id)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Draft, v.FilesLost = values.Get("body"), len(files) > 0 || fileProblem != ""
		h.renderCaseErrors(w, r, v, problems)
		return
	}
	web.ShareableCopies(attachments)
	if _, err := h.store.CreateMessage(r.Context(), store.NewMessage{CaseID: id, Thread: store.ThreadReporter,
		Author: store.Actor{Role: string(grievance.RoleReporter)}, Body: body, Attachments: attachments}); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.dropDraft(w, r)
	http.Redirect(w, r, "/follow-up/case?done=sent#messages", http.StatusSeeOther)
}
