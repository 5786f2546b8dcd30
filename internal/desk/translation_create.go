package desk

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// translationCreate keeps a handler's translation of a message (sealed, like the message), shown
// under it for colleagues, companies' contacts and experts who read another language.
func (h *Handler) translationCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.caseID(w, r)
	if !ok {
		return
	}
	mid, ok := pathID(r, "mid")
	if !ok {
		h.notFound(w, r)
		return
	}
	t := store.NewTranslation{CaseID: id, MessageID: mid, Language: r.PostFormValue("language"), Body: formText(r, "text"), Actor: user(r).Actor()}
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
		h.fail(w, r, err)
		return
	}
	saved(w, r, id, "message-"+strconv.FormatInt(mid, 10))
}
