package desk

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// caseAssign gives the case to a handler (or to nobody); audited by the store.
func (h *Handler) caseAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	var handlerID int64
	if v := r.PostFormValue("handler"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			h.refuse(w, r, id, "handler", "handler", locale.T(pageLang(r), "desk.assign.not_handler"))
			return
		}
		handlerID = n
	}
	err := h.store.AssignHandler(r.Context(), id, handlerID, account.CurrentUser(r).Actor())
	if errors.Is(err, store.ErrNotHandler) {
		h.refuse(w, r, id, "handler", "handler", locale.T(pageLang(r), "desk.assign.not_handler"))
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "people")
}

// expertAssign gives the case to an expert of the roster, who sees it only after declaring no
// conflict of interest.
func (h *Handler) expertAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	uid, err := strconv.ParseInt(r.PostFormValue("expert"), 10, 64)
	if err == nil {
		err = h.store.AssignExpert(r.Context(), id, uid, account.CurrentUser(r).Actor())
	} else {
		err = store.ErrNotExpert
	}
	if errors.Is(err, store.ErrNotExpert) {
		h.refuse(w, r, id, "expert", "expert", locale.T(pageLang(r), "desk.assign.not_expert"))
		return
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "people")
}

// expertRemove ends an expert's assignment; their findings stay in the case.
func (h *Handler) expertRemove(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	uid, ok := web.PathID(r, "uid")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	if err := h.store.UnassignExpert(r.Context(), id, uid, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "people")
}
