package admin

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
)

// timelineField is one period of the timeline form, as typed.
type timelineField struct {
	Name  string // the form field, also the label's key: admin.timeline.NAME
	Value string
	Err   string
}

// timelineFields pairs the form's fields with the timeline's periods.
var timelineFields = []struct {
	name  string
	field func(*grievance.Timeline) *int
}{
	{"acknowledge_days", func(t *grievance.Timeline) *int { return &t.AcknowledgeDays }},
	{"screening_days", func(t *grievance.Timeline) *int { return &t.ScreeningDays }},
	{"answer_days", func(t *grievance.Timeline) *int { return &t.AnswerDays }},
	{"company_response_days", func(t *grievance.Timeline) *int { return &t.CompanyResponseDays }},
	{"reporter_update_days", func(t *grievance.Timeline) *int { return &t.ReporterUpdateDays }},
	{"monitoring_days", func(t *grievance.Timeline) *int { return &t.MonitoringDays }},
}

// rulesLanguage is one language of the rules text's picker.
type rulesLanguage struct {
	Code    string
	HasText bool
}

type settingsView struct {
	Zone            string
	Periods         []timelineField
	FiscalYearStart string
	FiscalYearErr   string
	Months          []int
	TimelineSaved   bool
	TimelineErrors  bool

	RulesLang     string
	RulesText     string
	RulesErr      string
	RulesLangErr  string
	RulesSaved    bool
	RulesErrors   bool
	Languages     []rulesLanguage
	AnyRules      bool // some language has a rules text
	RulesMaxChars int

	RegisterThreshold    string
	RegisterThresholdErr string
	RegisterSaved        bool

	SecondFactorOptional bool // for members and experts
	SecondFactorSaved    bool
	Mail                 mailView
}

// settingsView loads the page as stored: the live timeline and the rules text in lang.
func (h *Handler) settingsView(ctx context.Context, lang string) (settingsView, error) {
	tl := h.store.Timeline()
	v := settingsView{Zone: tl.Zone.String(), FiscalYearStart: strconv.Itoa(int(tl.FiscalYearStart)), RulesMaxChars: maxRulesChars()}
	for i := 1; i <= 12; i++ {
		v.Months = append(v.Months, i)
	}
	for _, f := range timelineFields {
		v.Periods = append(v.Periods, timelineField{Name: f.name, Value: strconv.Itoa(*f.field(&tl))})
	}
	if !slices.Contains(locale.Languages(), lang) {
		lang = locale.Fallback
	}
	v.RulesLang = lang
	k, err := h.store.RegisterThreshold(ctx)
	if err != nil {
		return v, err
	}
	v.RegisterThreshold = strconv.Itoa(k)
	if v.SecondFactorOptional, err = h.store.SecondFactorOptional(ctx); err != nil {
		return v, err
	}
	if v.RulesText, err = h.store.RulesText(ctx, lang); err != nil {
		return v, err
	}
	set, err := h.store.RulesTextLanguages(ctx)
	if err != nil {
		return v, err
	}
	for _, code := range locale.Languages() {
		v.Languages = append(v.Languages, rulesLanguage{Code: code, HasText: slices.Contains(set, code)})
		v.AnyRules = v.AnyRules || slices.Contains(set, code)
	}
	return v, nil
}

func (h *Handler) settingsShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := h.accounts.Page(r, "admin.settings.title")
	lang := q.Get("rules")
	if lang == "" {
		lang = p.Lang
	}
	v, err := h.settingsView(r.Context(), lang)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	v.TimelineSaved = q.Get("saved") == "timeline"
	v.RulesSaved = q.Get("saved") == "rules"
	v.RegisterSaved = q.Get("saved") == "register"
	v.SecondFactorSaved = q.Get("saved") == "second_factor"
	if v.Mail, err = h.mailView(r.Context(), r); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "admin_settings", p)
}
