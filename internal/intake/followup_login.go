package intake

import (
	"errors"
	"net/http"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// sessionCookie holds a reporter's session token, only on the follow-up pages.
const sessionCookie = "remedy_case"

type loginView struct {
	Receipt   string
	Error     string
	Challenge string // a proof-of-work challenge the page's script solves and sends back
	Bits      int
}

func (h *Handler) followupLogin(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "followup.title")
	v := loginView{}
	switch r.URL.Query().Get("expired") {
	case "":
	case "kept":
		v.Error = p.T("followup.draft_kept")
	default:
		v.Error = p.T("followup.expired")
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "followup_login", p)
}

// followupLoginSubmit opens a case with its receipt. Wrong receipts draw on the guessing budgets
// shared with the API; right ones never do, and a mistyped check digit is answered before any
// lookup. Whatever happens, the receipt typed is shown again.
func (h *Handler) followupLoginSubmit(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "followup.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	receipt := r.PostFormValue("receipt")
	fail := func(status int, v loginView) {
		v.Receipt = receipt
		p.Data = v
		h.render.Render(w, status, "followup_login", p)
	}
	caseID, outcome, d, err := h.guard.OpenReceipt(r.Context(), r, receipt, r.PostFormValue("proof"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	switch outcome {
	case web.ReceiptMistyped:
		fail(http.StatusBadRequest, loginView{Error: p.T("followup.mistyped")})
		return
	case web.ReceiptWrong:
		fail(http.StatusUnauthorized, loginView{Error: p.T("followup.wrong_receipt")})
		return
	case web.ReceiptThrottled:
		w.Header().Set("Retry-After", d.RetryAfter())
		fail(http.StatusTooManyRequests, loginView{Error: p.T("followup.throttled_wait", minutes(d.Retry)), Challenge: d.Challenge, Bits: d.Bits})
		return
	}
	token, err := h.store.CreateReporterSession(r.Context(), caseID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	web.SetCookie(w, r, &http.Cookie{Name: sessionCookie, Value: token, Path: "/follow-up", SameSite: http.SameSiteStrictMode})
	to := "/follow-up/case"
	if _, err := r.Cookie(draftCookie); err == nil {
		to += "#f-body" // a kept message waits in the form, far down a phone's screen
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// liveSessionCase is the case the request's session opens, if it is still live; it answers
// nothing, so that the caller may.
func (h *Handler) liveSessionCase(r *http.Request) (int64, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return 0, false
	}
	id, err := h.store.ReporterSessionCase(r.Context(), c.Value)
	return id, err == nil
}

// sessionCase is the case the request's session opens; it sends the reporter back to the login
// page when there is none.
func (h *Handler) sessionCase(w http.ResponseWriter, r *http.Request) (int64, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		http.Redirect(w, r, "/follow-up", http.StatusSeeOther)
		return 0, false
	}
	id, err := h.store.ReporterSessionCase(r.Context(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		http.Redirect(w, r, "/follow-up?expired=1", http.StatusSeeOther)
		return 0, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return 0, false
	}
	return id, true
}

func (h *Handler) followupLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		h.store.DeleteReporterSession(r.Context(), c.Value)
	}
	h.dropDraft(w, r)
	web.ClearCookie(w, r, sessionCookie, "/follow-up", http.SameSiteStrictMode)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// minutes rounds a wait up to whole minutes, for messages that say when to try again.
func minutes(d time.Duration) int { return max(1, int((d+time.Minute-1)/time.Minute)) }
