package expert

import (
	"errors"
	"net/http"
	"slices"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// caseView is the case page: the case as an expert may see it, the findings per referral, and a
// form for each move the rules give an expert. Forms that come back with errors carry what was
// typed and a translated message per field.
type caseView struct {
	Case            *store.ExpertCaseView
	Referrals       []referralView
	CaseFindings    []store.Finding // about the whole case
	CaseFinding     findingForm
	MayViewIdentity bool
	Identity        *store.Identity
	Notice          string // catalog key
	HasErrors       bool
	Outcomes        []grievance.Outcome
	RemedyTypes     []grievance.RemedyType
}

type referralView struct {
	store.ExpertReferral
	Name      string // in the page's language
	Moves     []moveForm
	MoveError string // a refused move that is not about one field (translated)
	Findings  []store.Finding
	Finding   findingForm
}

type findingForm struct {
	Body  string
	Error string // translated
}

// moveForm is one move the rules allow, with the fields its Needs flags ask for.
type moveForm struct {
	To              grievance.ReferralStage
	NeedsReason     bool
	NeedsOutcome    bool
	NeedsRemedies   bool
	Reason          string
	Outcome         string
	RemedyTypes     []string
	ReasonError     string // translated, like the two below
	OutcomeError    string
	RemedyTypeError string
}

// caseShow shows a case to an assigned expert who declared no conflict. One who has not
// declared yet is sent to the declaration; anyone else gets 404.
func (h *Handler) caseShow(w http.ResponseWriter, r *http.Request) {
	v, p, ok := h.loadCase(w, r)
	if !ok {
		return
	}
	switch r.URL.Query().Get("done") {
	case "moved":
		v.Notice = "expert.case.moved"
	case "finding":
		v.Notice = "expert.case.finding_saved"
	}
	h.renderCase(w, http.StatusOK, p, v)
}

// loadCase loads the case of the path for the signed-in expert and builds its page. A GET by an
// expert who has still to declare is redirected to the declaration.
func (h *Handler) loadCase(w http.ResponseWriter, r *http.Request) (*caseView, *web.Page, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return nil, nil, false
	}
	me := account.CurrentUser(r).ID
	c, err := h.store.ExpertCase(r.Context(), id, me)
	if errors.Is(err, store.ErrNotFound) && r.Method == http.MethodGet {
		if a, aerr := h.store.ExpertAssignment(r.Context(), id, me); aerr == nil && a.DeclaredAt.IsZero() && a.ConflictAt.IsZero() {
			http.Redirect(w, r, caseURL(id)+"/declaration", http.StatusSeeOther)
			return nil, nil, false
		}
	}
	if err != nil {
		h.accounts.Fail(w, r, err)
		return nil, nil, false
	}
	p := h.accounts.Page(r, "expert.case.title")
	p.Title = p.T("expert.case.title", c.Reference)
	v := &caseView{
		Case:            c,
		MayViewIdentity: !c.Anonymous && grievance.MayViewIdentity(grievance.RoleExpert, c.Consent),
		Outcomes:        grievance.Outcomes,
		RemedyTypes:     grievance.RemedyTypes,
	}
	for _, f := range c.Findings {
		if f.ReferralID == 0 {
			v.CaseFindings = append(v.CaseFindings, f)
		}
	}
	for _, ref := range c.Referrals {
		rv := referralView{ExpertReferral: ref, Name: ref.Name(p.Lang)}
		for _, m := range grievance.NextReferralMoves(ref.Stage, c.Stage, grievance.RoleExpert) {
			rv.Moves = append(rv.Moves, moveForm{
				To: m.To, NeedsReason: m.Needs&grievance.NeedsReason != 0,
				NeedsOutcome: m.Needs&grievance.NeedsOutcome != 0, NeedsRemedies: m.Needs&grievance.NeedsRemedyTypes != 0,
			})
		}
		for _, f := range c.Findings {
			if f.ReferralID == ref.ID {
				rv.Findings = append(rv.Findings, f)
			}
		}
		v.Referrals = append(v.Referrals, rv)
	}
	return v, p, true
}

// referral finds the referral of the case with id rid.
func (v *caseView) referral(rid int64) *referralView {
	i := slices.IndexFunc(v.Referrals, func(r referralView) bool { return r.ID == rid })
	if i < 0 {
		return nil
	}
	return &v.Referrals[i]
}

func (h *Handler) renderCase(w http.ResponseWriter, status int, p *web.Page, v *caseView) {
	p.Data = v
	h.render.Render(w, status, "expert_case", p)
}
