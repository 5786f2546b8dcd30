package intake

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/web"
)

// language remembers the picked language and goes back to the page the reader was on.
func (h *Handler) language(w http.ResponseWriter, r *http.Request) {
	if code := r.URL.Query().Get("set"); web.Supported(code) {
		web.SetLanguage(w, r, code)
	}
	http.Redirect(w, r, web.LocalPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}
