package desk

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// translationCreate keeps a handler's translation of a message (sealed, like the message), shown
// under it for colleagues, companies' contacts and experts who read another language.
func (h *Handler) translationCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	mid, ok := web.PathID(r, "mid")
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	t := store.NewTranslation{CaseID: id, MessageID: mid, Language: r.PostFormValue("language"), Body: formText(r, "text"), Actor: account.CurrentUser(r).Actor()}
	form, lang := "translation:"+strconv.FormatInt(mid, 10), pageLang(r)
	switch {
	case !slices.Contains(locale.Languages(), t.Language):
		h.refuse(w, r, id, form, "language", locale.T(lang, "desk.translation.language_required"))
		return
	case t.Body == "":
		h.refuse(w, r, id, form, "text", locale.T(lang, "desk.translation.text_required"))
		return
	}
	if _, err := h.store.AddTranslation(r.Context(), t); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	saved(w, r, id, "message-"+strconv.FormatInt(mid, 10))
}
