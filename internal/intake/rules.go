package intake

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/web"
)

type rulesView struct {
	grievance.Timeline
	Zone               string
	Stages             []grievance.CaseStage
	NotAcceptedReasons []grievance.NotAcceptedReason
}

// rules shows the rules of procedure as the settings make them: timelines come from the same
// policy the deadlines are computed with, so the published rules cannot drift from practice.
func (h *Handler) rules(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "rules.title")
	tl := h.store.Timeline()
	p.Data = rulesView{Timeline: tl, Zone: tl.Zone.String(), Stages: grievance.CaseStages, NotAcceptedReasons: grievance.NotAcceptedReasons}
	h.render.Render(w, http.StatusOK, "rules", p)
}
