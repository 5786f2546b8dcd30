package member

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/web"
)

// fileDownload gives one file of the referral: shared with it by the secretariat, or sent in its
// company thread. The store checks which files those are and audits the download. Files are
// always downloaded, never shown inline, and their type is never sniffed.
func (h *Handler) fileDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	fid, fok := web.PathID(r, "fid")
	if !ok || !fok {
		h.accounts.NotFound(w, r)
		return
	}
	u := account.CurrentUser(r)
	a, data, err := h.store.MemberAttachment(r.Context(), u.MemberID, id, fid, u.Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": downloadName(a.Name, fid)}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// downloadName falls back to a plain name when the stored one cannot be put in a header.
func downloadName(name string, id int64) string {
	if name == "" || mime.FormatMediaType("attachment", map[string]string{"filename": name}) == "" {
		return "file-" + strconv.FormatInt(id, 10)
	}
	return name
}
