package intake

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/web"
)

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "home.title")
	p.Data = h.store.Timeline()
	h.render.Render(w, http.StatusOK, "home", p)
}
