package member

import (
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/web"
)

// messageCreate adds the company's message, with documents, to this referral's company thread.
// Files are typed by their bytes and refused when of a kind we do not take (web.PrepareAttachment).
func (h *Handler) messageCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
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
		problems["files"] = fileProblem
	}
	var attachments []grievance.Attachment
	for _, f := range files {
		a, problem := web.PrepareAttachment(f.Name, f.Data)
		if problem != "" {
			problems["files"] = problem
		}
		attachments = append(attachments, a)
	}
	switch {
	case body == "" && len(attachments) == 0 && fileProblem == "":
		problems["body"] = "required"
	case tooLong(body):
		problems["body"] = "too_long"
	}
	if len(problems) == 0 {
		u := account.CurrentUser(r)
		web.ShareableCopies(attachments)
		if _, err := h.store.MemberMessage(r.Context(), u.MemberID, id, body, attachments, u.Actor()); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, referralURL(id)+"?done=sent#thread", http.StatusSeeOther)
		return
	}
	v, p, ok := h.loadReferral(w, r)
	if !ok {
		return
	}
	v.HasErrors = true
	v.FilesLost = len(files) > 0 || fileProblem != ""
	v.Message.Values = values
	v.Message.Errors = map[string]string{}
	for field, code := range problems {
		v.Message.Errors[field] = p.T("member.error." + code)
	}
	h.renderReferral(w, http.StatusUnprocessableEntity, p, v)
}
