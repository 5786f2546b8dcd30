package intake

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// sessionCookie holds a reporter's session token, only on the follow-up pages.
const sessionCookie = "remedy_case"

type loginView struct {
	Receipt string
	Error   string
}

func (h *Handler) followupLogin(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "followup.title")
	v := loginView{}
	if r.URL.Query().Get("expired") != "" {
		v.Error = p.T("followup.expired")
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "followup_login", p)
}

// followupLoginSubmit opens a case with its receipt. Wrong receipts draw on the same throttle as
// the API; right ones never do.
func (h *Handler) followupLoginSubmit(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "followup.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	receipt := r.PostFormValue("receipt")
	fail := func(status int, key string) {
		p.Data = loginView{Receipt: receipt, Error: p.T(key)}
		h.render.Render(w, status, "followup_login", p)
	}
	source := web.Source(r)
	if !h.receipts.Allow(source) {
		w.Header().Set("Retry-After", "60")
		fail(http.StatusTooManyRequests, "followup.throttled")
		return
	}
	caseID, err := h.store.CaseIDByReceipt(r.Context(), receipt)
	if errors.Is(err, store.ErrNotFound) {
		h.receipts.Fail(source)
		fail(http.StatusUnauthorized, "followup.wrong_receipt")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	token, err := h.store.CreateReporterSession(r.Context(), caseID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	web.SetCookie(w, r, &http.Cookie{Name: sessionCookie, Value: token, Path: "/follow-up", SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/follow-up/case", http.StatusSeeOther)
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
	web.ClearCookie(w, r, sessionCookie, "/follow-up", http.SameSiteStrictMode)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
