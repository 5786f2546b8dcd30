package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/store"
)

// staffUser resolves a bearer token made with `remedy token create`.
func (h *Handler) staffUser(w http.ResponseWriter, r *http.Request, lang string) (store.User, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeError(w, http.StatusUnauthorized, lang, "unauthenticated", nil)
		return store.User{}, false
	}
	u, err := h.store.UserByToken(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, store.ErrNotFound) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, lang, "unauthenticated", nil)
		return store.User{}, false
	}
	if err != nil {
		h.internalError(w, r, lang, err)
		return store.User{}, false
	}
	return u, true
}

// me tells an integrator whose token they hold.
func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	u, ok := h.staffUser(w, r, lang)
	if !ok {
		return
	}
	out := map[string]any{"id": u.ID, "email": u.Email, "display_name": u.DisplayName, "role": u.Role}
	if u.MemberID != 0 {
		out["member_id"] = u.MemberID
	}
	writeJSON(w, http.StatusOK, out)
}
