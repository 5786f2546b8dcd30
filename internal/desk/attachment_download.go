package desk

import (
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/web"
)

// attachmentDownload gives a handler one of the case's files, as an attachment (never rendered
// in the page's origin) and audited in the same transaction as the read.
func (h *Handler) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	fid, ok := web.PathID(r, "fid")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	a, data, err := h.store.CaseAttachment(r.Context(), id, fid, account.CurrentUser(r).Actor())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	web.Download(w, a.ContentType, a.Name, "file-"+strconv.FormatInt(a.ID, 10), data)
}
