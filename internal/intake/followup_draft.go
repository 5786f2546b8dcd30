package intake

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// draftCookie holds the token of a message kept when the session ran out (store.CreateReporterDraft).
//
// Why the text is kept on the server and not carried back in the sign-in form: a hidden field
// would put the message in a page anyone at the device can read without a receipt, send it
// back and forth with every mistyped receipt, and post it into whichever case signs in next —
// on a shared phone, another reporter's. Kept sealed with the case's key and bound to the case
// of the session that ran out, it comes back only to someone who gave that case's receipt again.
const draftCookie = "remedy_draft"

// keepDraft answers a message sent after the session ran out: the text is kept and the reporter
// asked to sign in again. It reports false when there is nothing to keep it for (no session at
// all, or one forgotten), and the caller sends them to sign in as before.
func (h *Handler) keepDraft(w http.ResponseWriter, r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	caseID, err := h.store.LapsedReporterSessionCase(r.Context(), c.Value)
	if err != nil {
		return false
	}
	values, _, _ := web.ReadForm(w, r)
	body := strings.TrimSpace(grievance.NormalizeNewlines(values.Get("body")))
	if body == "" {
		return false
	}
	token, err := h.store.CreateReporterDraft(r.Context(), caseID, body)
	if err != nil {
		h.serverError(w, r, err)
		return true
	}
	web.SetCookie(w, r, &http.Cookie{Name: draftCookie, Value: token, Path: "/follow-up", MaxAge: int(store.ReporterDraftTTL / time.Second), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/follow-up?expired=kept", http.StatusSeeOther)
	return true
}

// keptDraft is the message kept for this case, if the request carries one.
func (h *Handler) keptDraft(r *http.Request, caseID int64) (string, error) {
	c, err := r.Cookie(draftCookie)
	if err != nil {
		return "", nil
	}
	body, err := h.store.ReporterDraft(r.Context(), c.Value, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return body, err
}

// dropDraft forgets the kept message: it was sent, or the reporter logged out.
func (h *Handler) dropDraft(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(draftCookie); err == nil {
		h.store.DeleteReporterDraft(r.Context(), c.Value)
		web.ClearCookie(w, r, draftCookie, "/follow-up", http.SameSiteStrictMode)
	}
}
