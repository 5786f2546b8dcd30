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
	Again     bool // the same form was sent again: this is the first sending's receipt
	Notify    bool // an address was left for news: say what it will and will not receive
}

// reportSubmit files the report, or shows the form again with every value kept and each problem
// named beside its field. The receipt is shown in this response only, never redirected to, so it
// cannot reappear from history or a cache; the same form sent again (report_once.go) shows it
// again instead of filing a second case.
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
	once, hasToken := filingToken(values, files)
	f.Filing = values.Get("filing")
	if !hasToken {
		f.Filing = newFilingToken()
	}
	if hasToken && fileProblem == "" {
		// A repeat is answered before anything is checked or spent: it files nothing.
		if h.filingRepeat(w, r, f, once, len(files) > 0) {
			return
		}
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
		actor := store.Actor{Role: string(grievance.RoleReporter)}
		if hasToken {
			filed, err = h.store.CreateCaseOnce(r.Context(), rep, actor, once)
		} else {
			filed, err = h.store.CreateCase(r.Context(), rep, actor)
		}
		var fe grievance.FieldErrors
		switch {
		case errors.Is(err, store.ErrFilingTokenUsed): // a second Send at the same moment
			if !h.filingRepeat(w, r, f, once, len(files) > 0) {
				h.serverError(w, r, err)
			}
			return
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
	h.renderReceipt(w, r, filed, false, rep.NotifyEmail != "")
}

func (h *Handler) renderReceipt(w http.ResponseWriter, r *http.Request, filed store.Filed, again, notify bool) {
	p := web.NewPage(r, "receipt.title")
	v := receiptView{Reference: filed.Reference, Again: again, Notify: notify}
	if filed.Receipt != "" { // empty: sent again after the receipt was no longer kept
		v.Groups = strings.Fields(seal.FormatReceipt(filed.Receipt))
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "receipt", p)
}

// filingRepeat answers a form whose token filed a case already, and reports whether it did: the
// same report shows its receipt again (or, once that is no longer kept, says it was received);
// other content under a spent token goes back to the reporter as typed, with a fresh token, to
// send as a new report if that is what they meant.
func (h *Handler) filingRepeat(w http.ResponseWriter, r *http.Request, f *reportForm, once store.FilingToken, hadFiles bool) bool {
	got, err := h.store.FilingRepeat(r.Context(), once)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		h.serverError(w, r, err)
		return true
	}
	switch {
	case got.ReceiptExpired, got.SameContent:
		h.renderReceipt(w, r, got.Filed, true, false)
	default:
		p := web.NewPage(r, "form.errors_title")
		f.Filing = newFilingToken()
		f.Summary = []errorItem{{Anchor: "main", Text: p.T("form.sent_before")}}
		f.FilesLost = hadFiles
		p.Data = f
		h.render.Render(w, http.StatusConflict, "report", p)
	}
	return true
}

func attachmentBytes(rep grievance.Report) int {
	n := 0
	for _, a := range rep.Attachments {
		n += len(a.Data)
	}
	return n
}
