package desk

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type intakeReceipt struct {
	CaseID    int64
	Reference string
	Channel   grievance.Channel
	Groups    []string
}

// intakeSubmit files a report a handler took down, or shows the form again (422) with every
// value kept and each problem beside its field. The receipt is shown in this response only —
// never stored, redirected to or logged — for the handler to pass on to the reporter.
func (h *Handler) intakeSubmit(w http.ResponseWriter, r *http.Request) {
	p := h.accounts.Page(r, "desk.intake.title")
	values, files, fileProblem := web.ReadForm(w, r)
	if fileProblem == "too_slow" { // the cut connection ended r's context; answer all the same
		ctx, cancel := web.Detached(r)
		defer cancel()
		r = r.WithContext(ctx)
	}
	f, err := h.newIntakeView(r, p.Lang, intakeFromForm(values))
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	rep, problems := f.report()
	if fileProblem != "" {
		problems["attachments"] = fileProblem
	}
	for _, u := range files {
		a, problem := web.PrepareAttachment(u.Name, u.Data)
		if problem != "" {
			problems["attachments"] = problem
		}
		rep.Attachments = append(rep.Attachments, a)
	}
	rep.Normalize()
	for k, v := range rep.Validate(grievance.DefaultLimits) {
		if _, seen := problems[k]; !seen {
			problems[k] = v
		}
	}
	// The handler's notes are kept apart from the reporter's words: an internal note of the
	// case, filed with it, which the reporter's page never shows.
	note := strings.TrimSpace(grievance.NormalizeNewlines(f.Values.StaffNote))
	if utf8.RuneCountInString(note) > grievance.DefaultLimits.TextRunes {
		problems["staff_note"] = "too_long"
	}
	var filed store.Filed
	if len(problems) == 0 {
		web.ShareableCopies(rep.Attachments)
		filed, err = h.store.CreateCaseWithNote(r.Context(), rep, account.CurrentUser(r).Actor(), note)
		var fe grievance.FieldErrors
		switch {
		case errors.As(err, &fe):
			for k, v := range fe {
				problems[k] = v
			}
		case err != nil:
			h.accounts.Fail(w, r, err)
			return
		}
	}
	if len(problems) > 0 {
		for k, v := range problems { // one message for the files, whichever file it was
			if strings.HasPrefix(k, "attachments[") {
				problems["attachments"] = v
			}
		}
		f.setErrors(p.Lang, problems)
		f.FilesLost = len(files) > 0 || fileProblem != ""
		p.Data = f
		h.render.Render(w, http.StatusUnprocessableEntity, "desk_intake", p)
		return
	}
	p = h.accounts.Page(r, "desk.intake.receipt_title")
	p.Path = "/desk/intake"
	p.Data = intakeReceipt{CaseID: filed.CaseID, Reference: filed.Reference, Channel: rep.Channel, Groups: strings.Fields(seal.FormatReceipt(filed.Receipt))}
	w.Header().Set("Cache-Control", "no-store")
	h.render.Render(w, http.StatusOK, "desk_intake_receipt", p)
}
