package account

import (
	"errors"
	"net/http"
	"slices"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// notificationsSave saves the signed-in user's own choice (never another user's).
func (h *Handler) notificationsSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, err)
		return
	}
	u := CurrentUser(r)
	pref := store.NoticePref{Mode: grievance.NoticeMode(r.PostFormValue("mode")), Language: r.PostFormValue("language")}
	var fe grievance.FieldErrors
	err := errors.New("invalid")
	if slices.Contains(locale.StaffLanguages, pref.Language) {
		err = h.store.SetNoticePref(r.Context(), u.ID, pref, u.Actor())
	}
	if err != nil && (errors.As(err, &fe) || err.Error() == "invalid") {
		p := h.Page(r, "notify.prefs.title")
		v := h.notificationsView(r, pref)
		v.Err = p.T("notify.prefs.invalid")
		p.Data = v
		h.render.Render(w, http.StatusUnprocessableEntity, "staff_notifications", p)
		return
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, NotificationsPath+"?saved=1", http.StatusSeeOther)
}
