package member

import (
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
	web.Download(w, a.ContentType, a.Name, "file-"+strconv.FormatInt(fid, 10), data)
}
