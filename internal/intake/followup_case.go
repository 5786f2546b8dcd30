package intake

import (
	"net/http"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// caseView is the reporter's case page.
type caseView struct {
	Case                *store.ReporterCase
	Due                 string
	Final               bool
	AskSatisfaction     bool
	Ratings             []int
	SatisfactionComment string
	ShowProgress        bool   // each company's progress, once the case is taken up
	Notice              string // a catalog key
	Errors              map[string]string
	Summary             []errorItem
	FilesLost           bool
	Draft               string
	Notify              notifyView // news by email: followup_address.go
	zone                *time.Location
}

// Date shows a moment as a calendar date in the platform's zone, which the rules use.
func (v *caseView) Date(t time.Time) string { return t.In(v.zone).Format("2006-01-02") }

// FilesOf lists the files of a message (0: of the report itself).
func (v *caseView) FilesOf(messageID int64) []store.AttachmentInfo {
	var out []store.AttachmentInfo
	for _, a := range v.Case.Attachments {
		if a.MessageID == messageID {
			out = append(out, a)
		}
	}
	return out
}

// Err is the message for a field, or "".
func (v *caseView) Err(field string) string { return v.Errors[field] }

// notices are the confirmations a redirect may ask the page to show.
var notices = map[string]string{"sent": "case.sent", "withdrawn": "case.withdrawn", "thanks": "case.satisfaction_thanks"}

func (h *Handler) caseView(r *http.Request, caseID int64) (*caseView, error) {
	c, err := h.store.ReporterCase(r.Context(), caseID)
	if err != nil {
		return nil, err
	}
	tl := h.store.Timeline()
	v := &caseView{Case: c, Final: c.Stage.Final(), AskSatisfaction: grievance.MayGiveSatisfaction(c.Stage),
		Ratings: []int{5, 4, 3, 2, 1}, SatisfactionComment: c.SatisfactionComment,
		Notice: notices[r.URL.Query().Get("done")], Errors: map[string]string{}, zone: tl.Zone}
	// While a case is paused or after it was withdrawn, a company's last stage would read as
	// work still going on; the reporter sees it only while the case is taken up and once closed.
	if v.Notify, err = h.notifyView(r, caseID); err != nil {
		return nil, err
	}
	v.ShowProgress = len(c.Progress) > 0 && (c.Stage == grievance.CaseAccepted || c.Stage == grievance.CaseClosed)
	if !c.DueAt.IsZero() {
		// The last day, as the desk shows it (grievance.LastDay).
		v.Due = v.Date(tl.LastDay(c.DueAt))
	}
	return v, nil
}

func (h *Handler) followupCase(w http.ResponseWriter, r *http.Request) {
	id, ok := h.sessionCase(w, r)
	if !ok {
		return
	}
	v, err := h.caseView(r, id)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// A message kept when the session ran out waits in the form, unsent, for the reporter to
	// check and send.
	if v.Draft, err = h.keptDraft(r, id); err != nil {
		h.serverError(w, r, err)
		return
	}
	if v.Draft != "" {
		v.Notice = "case.draft_restored"
	}
	p := web.NewPage(r, "followup.title")
	p.Title = p.T("case.title", v.Case.Reference)
	p.Data = v
	h.render.Render(w, http.StatusOK, "followup_case", p)
}

// renderCaseErrors shows the case page again with problems beside their fields and the
// reporter's draft kept.
func (h *Handler) renderCaseErrors(w http.ResponseWriter, r *http.Request, v *caseView, problems map[string]string) {
	p := web.NewPage(r, "form.errors_title")
	for _, field := range []string{"satisfaction", "body", "attachments", "confirm"} {
		if code, ok := problems[field]; ok {
			msg := locale.T(p.Lang, "field."+code)
			v.Errors[field] = msg
			v.Summary = append(v.Summary, errorItem{Anchor: "f-" + field, Text: locale.T(p.Lang, "form.field."+field) + ": " + msg})
		}
	}
	p.Data = v
	h.render.Render(w, http.StatusBadRequest, "followup_case", p)
}
