package admin

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

func maxRulesChars() int { return store.MaxRulesText }

// settingsRules saves the secretariat's rules of procedure in one language; the public rules
// page shows them to readers of that language, above the rules the platform generates from
// its settings. An empty text removes them.
func (h *Handler) settingsRules(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "admin.settings.title")
	lang := r.PostFormValue("language")
	v, err := h.settingsView(r.Context(), lang)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.RulesLang = lang
	v.RulesText = r.PostFormValue("text")
	if !slices.Contains(locale.Languages(), lang) {
		v.RulesLangErr = p.T("admin.rules.language_invalid")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(v.RulesText)); n > store.MaxRulesText {
		v.RulesErr = p.T("admin.rules.too_long", store.MaxRulesText, n)
	}
	if v.RulesLangErr != "" || v.RulesErr != "" {
		v.RulesErrors = true
		p.Data = v
		h.render.Render(w, http.StatusUnprocessableEntity, "admin_settings", p)
		return
	}
	if err := h.store.SetRulesText(r.Context(), lang, v.RulesText, account.CurrentUser(r).Actor()); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?"+url.Values{"rules": {lang}, "saved": {"rules"}}.Encode()+"#rules", http.StatusSeeOther)
}
