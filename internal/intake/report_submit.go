package intake

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type receiptView struct {
	Reference string
	Groups    []string
	Notify    bool // an address was left for news: say what it will and will not receive
}

// reportSubmit files the report, or shows the form again with every value kept and each problem
// named beside its field. The receipt is shown in this response only, never stored or redirected
// to, so it cannot reappear from history or a cache.
func (h *Handler) reportSubmit(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "form.title")
	values, files, fileProblem := web.ReadForm(w, r)
	ctx := r.Context()
	if fileProblem == "too_slow" {
		// The connection was cut and took the request's context with it; the form still goes
		// back with everything typed, and the reporter is told why.
		var cancel context.CancelFunc
		ctx, cancel = web.Detached(r)
		defer cancel()
	}
	f, err := h.newReportForm(ctx, p.Lang, valuesFromForm(values))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	rep, problems := f.report(p.Lang)
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
	if fe := rep.Validate(h.limits); fe != nil {
		for k, v := range fe {
			if _, seen := problems[k]; !seen {
				problems[k] = v
			}
		}
	}
	var filed store.Filed
	if len(problems) == 0 {
		// Budgets are spent only by a report that would be stored: a reporter correcting
		// mistakes spends nothing.
		d, err := h.guard.TakeFiling(r.Context(), r, attachmentBytes(rep), values.Get("proof"))
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if !d.OK {
			w.Header().Set("Retry-After", d.RetryAfter())
			f.Summary = []errorItem{{Anchor: "main", Text: p.T("form.throttled", minutes(d.Retry))}}
			f.FilesLost = len(files) > 0
			f.Challenge, f.Bits = d.Challenge, d.Bits
			p.Title = p.T("form.errors_title")
			p.Data = f
			h.render.Render(w, http.StatusTooManyRequests, "report", p)
			return
		}
	}
	if len(problems) == 0 {
		web.ShareableCopies(rep.Attachments)
		filed, err = h.store.CreateCase(r.Context(), rep, store.Actor{Role: string(grievance.RoleReporter)})
		var fe grievance.FieldErrors
		switch {
		case errors.As(err, &fe):
			for k, v := range fe {
				problems[k] = v
			}
		case err != nil:
			h.serverError(w, r, err)
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
		p.Title = p.T("form.errors_title")
		p.Data = f
		h.render.Render(w, http.StatusBadRequest, "report", p)
		return
	}
	formatted := strings.Fields(seal.FormatReceipt(filed.Receipt))
	p = web.NewPage(r, "receipt.title")
	p.Data = receiptView{Reference: filed.Reference, Groups: formatted, Notify: rep.NotifyEmail != ""}
	h.render.Render(w, http.StatusOK, "receipt", p)
}

func attachmentBytes(rep grievance.Report) int {
	n := 0
	for _, a := range rep.Attachments {
		n += len(a.Data)
	}
	return n
}
