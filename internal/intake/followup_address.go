package intake

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// notifyView is the case page's "news by email" section: whether an address is saved (it is
// never shown back), what was typed, and the outcome of the last change.
type notifyView struct {
	Has   bool
	Typed string
	Err   string
	Done  string // saved, removed
}

func (h *Handler) notifyView(r *http.Request, caseID int64) (notifyView, error) {
	has, err := h.store.HasReporterAddress(r.Context(), caseID)
	v := notifyView{Has: has}
	if d := r.URL.Query().Get("notify"); d == "saved" || d == "removed" {
		v.Done = d
	}
	return v, err
}

// followupAddress saves (action=save) or removes (action=remove) the address the reporter is
// told of news at. The address is sealed with the case key and never logged or shown again.
func (h *Handler) followupAddress(w http.ResponseWriter, r *http.Request) {
	id, ok := h.sessionCase(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	reporter := store.Actor{Role: string(grievance.RoleReporter)}
	if r.PostFormValue("action") == "remove" {
		if err := h.store.RemoveReporterAddress(r.Context(), id, reporter); err != nil {
			h.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/follow-up/case?notify=removed#notify", http.StatusSeeOther)
		return
	}
	addr := r.PostFormValue("notify_email")
	err := h.store.SetReporterAddress(r.Context(), id, addr, reporter)
	var fe grievance.FieldErrors
	if errors.As(err, &fe) {
		v, verr := h.caseView(r, id)
		if verr != nil {
			h.serverError(w, r, verr)
			return
		}
		p := web.NewPage(r, "form.errors_title")
		v.Notify.Typed, v.Notify.Err = addr, locale.T(p.Lang, "field.invalid_email")
		v.Summary = append(v.Summary, errorItem{Anchor: "f-notify_email", Text: locale.T(p.Lang, "form.field.notify_email") + ": " + v.Notify.Err})
		p.Data = v
		h.render.Render(w, http.StatusBadRequest, "followup_case", p)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/follow-up/case?notify=saved#notify", http.StatusSeeOther)
}
