package intake

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// followupFile gives the reporter a file the secretariat sent them. It is always an attachment
// under a neutral name (the name the handler gave could say what it is to whoever shares the
// phone's download list), never sniffed, never cached, sandboxed (web.Download).
func (h *Handler) followupFile(w http.ResponseWriter, r *http.Request) {
	id, ok := h.sessionCase(w, r)
	if !ok {
		return
	}
	fid, ok := web.PathID(r, "fid")
	if !ok {
		h.notFound(w, r)
		return
	}
	a, data, err := h.store.ReporterAttachment(r.Context(), id, fid)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	name := store.NeutralFileName(fid, a.ContentType)
	web.Download(w, a.ContentType, name, name, data)
}
