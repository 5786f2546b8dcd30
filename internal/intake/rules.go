package intake

import (
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/web"
)

type rulesView struct {
	grievance.Timeline
	Zone               string
	Stages             []grievance.CaseStage
	NotAcceptedReasons []grievance.NotAcceptedReason
	Secretariat        []string // the secretariat's own rules in the reader's language, by paragraph
}

// rules shows the rules of procedure as the settings make them: timelines come from the same
// policy the deadlines are computed with, so the published rules cannot drift from practice.
func (h *Handler) rules(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "rules.title")
	tl := h.store.Timeline()
	// The secretariat's own text (set by an admin) comes first, in the reader's language when
	// it has one; the rules written from the settings follow, so the timelines shown are always
	// the ones in force.
	text, err := h.store.RulesText(r.Context(), p.Lang)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var paragraphs []string
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			paragraphs = append(paragraphs, para)
		}
	}
	p.Data = rulesView{Timeline: tl, Zone: tl.Zone.String(), Stages: grievance.CaseStages, NotAcceptedReasons: grievance.NotAcceptedReasons, Secretariat: paragraphs}
	h.render.Render(w, http.StatusOK, "rules", p)
}
