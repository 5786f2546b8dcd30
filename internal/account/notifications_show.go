package account

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// notificationsView is the notification choice as saved or as typed.
type notificationsView struct {
	Mode      string
	Language  string
	Modes     []grievance.NoticeMode
	Languages []string
	Email     string
	Handler   bool // the overdue digest stays on: say so
	Saved     bool
	Err       string
}

func (h *Handler) notificationsView(r *http.Request, p store.NoticePref) notificationsView {
	u := CurrentUser(r)
	return notificationsView{Mode: string(p.Mode), Language: p.Language, Email: u.Email, Handler: u.Role == grievance.RoleHandler,
		Modes: []grievance.NoticeMode{grievance.NoticeImmediate, grievance.NoticeDigest, grievance.NoticeOff}, Languages: locale.StaffLanguages}
}

// notificationsShow lets any signed-in user choose immediate mail, a daily digest or none, and
// the mails' language.
func (h *Handler) notificationsShow(w http.ResponseWriter, r *http.Request) {
	pref, err := h.store.NoticePref(r.Context(), CurrentUser(r).ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "notify.prefs.title")
	v := h.notificationsView(r, pref)
	v.Saved = r.URL.Query().Get("saved") == "1"
	p.Data = v
	h.render.Render(w, http.StatusOK, "staff_notifications", p)
}
