package desk

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// screeningView is the screening page: the report, and the three decisions screening can end
// in — accept (and refer), not accept (and tell the reporter where else to go), or ask the
// reporter for information — each offered only when the rules allow it now.
type screeningView struct {
	Case        *store.DeskCase
	CanAccept   bool
	CanDecline  bool
	CanAsk      bool
	Candidates  []*candidate
	AddMembers  []store.Member         // members not among the candidates yet
	Files       []store.AttachmentInfo // the reporter's files that may be shared
	Kept        []store.AttachmentInfo // the reporter's files without a copy free of metadata
	NotAccepted []grievance.NotAcceptedReason
	Relations   []grievance.Relation
	MemberName  map[int64]string
	AcceptError string
	Posted      *posted // the not-accept or question form, when it came back
}

// candidate is one company the case may be referred to: a company the report names ("c" and
// its case-company id) or a member the handler thinks concerned ("m" and its member id).
type candidate struct {
	Slot          string
	CompanyID     int64
	MemberID      int64
	Name          string // the member's name, or the company's name as typed
	Typed         string // the name as the reporter typed it, if they did
	Relation      grievance.Relation
	Suggested     *Suggestion
	Added         bool // a member the handler added by hand
	Refer         bool
	Narrative     string
	ShareIdentity bool
	Files         []int64
	Error         string
}

// HasFile reports whether the file is chosen for this company.
func (c *candidate) HasFile(id int64) bool { return slices.Contains(c.Files, id) }

// Val is the typed value of a field of the not-accept or question form.
func (v *screeningView) Val(form, field string) string {
	if v.Posted == nil || v.Posted.Form != form {
		return ""
	}
	return v.Posted.Values.Get(field)
}

// Err is the problem with the not-accept or question form.
func (v *screeningView) Err(form string) string {
	if v.Posted == nil || v.Posted.Form != form {
		return ""
	}
	return v.Posted.Error
}

// loadScreening builds the page; form is the accept form as posted (nil: first showing).
func (h *Handler) loadScreening(r *http.Request, caseID int64, lang string, form url.Values) (*screeningView, error) {
	ctx := r.Context()
	c, err := h.store.DeskCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	members, err := h.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	v := &screeningView{Case: c, NotAccepted: grievance.NotAcceptedReasons, Relations: grievance.Relations, MemberName: map[int64]string{}}
	for _, m := range grievance.NextCaseMoves(c.Stage, grievance.RoleHandler) {
		switch m.To {
		case grievance.CaseAccepted:
			v.CanAccept = m.Needs&grievance.NeedsCompanies != 0
		case grievance.CaseNotAccepted:
			v.CanDecline = true
		case grievance.CaseAwaitingInformation:
			v.CanAsk = true
		}
	}
	known := map[int64]bool{}
	for _, m := range members {
		v.MemberName[m.ID] = m.DisplayName(lang)
		known[m.ID] = true
	}
	for _, a := range c.Attachments {
		if !c.ReporterFile(a) {
			continue
		}
		if store.MayShareFile(a) {
			v.Files = append(v.Files, a)
		} else {
			v.Kept = append(v.Kept, a)
		}
	}
	var typed []string
	inCase := map[int64]bool{}
	for _, cc := range c.Companies {
		cand := &candidate{Slot: "c" + strconv.FormatInt(cc.ID, 10), CompanyID: cc.ID, MemberID: cc.MemberID, Name: cc.Name, Typed: cc.Name, Relation: cc.Relation}
		if cc.MemberID != 0 {
			cand.Name = v.MemberName[cc.MemberID]
			inCase[cc.MemberID] = true
		}
		typed = append(typed, cc.Name)
		v.Candidates = append(v.Candidates, cand)
	}
	for _, s := range SuggestMembers(members, typed, c.Description) {
		if inCase[s.MemberID] {
			continue
		}
		inCase[s.MemberID] = true
		v.Candidates = append(v.Candidates, &candidate{Slot: "m" + strconv.FormatInt(s.MemberID, 10), MemberID: s.MemberID, Name: v.MemberName[s.MemberID], Relation: "unknown", Suggested: &s})
	}
	if form != nil {
		// Members added by hand before (carried in the form) come back as candidates.
		for _, slot := range form["candidate"] {
			id, err := strconv.ParseInt(strings.TrimPrefix(slot, "m"), 10, 64)
			if strings.HasPrefix(slot, "m") && err == nil && known[id] && !inCase[id] {
				inCase[id] = true
				v.Candidates = append(v.Candidates, &candidate{Slot: slot, MemberID: id, Name: v.MemberName[id], Relation: "unknown", Added: true})
			}
		}
	}
	for _, cand := range v.Candidates {
		if form == nil {
			cand.Refer = cand.CompanyID != 0 && cand.MemberID != 0
			cand.Narrative = c.Description
			continue
		}
		cand.Refer = slices.Contains(form["refer"], cand.Slot)
		cand.Narrative = form.Get("narrative_" + cand.Slot)
		cand.ShareIdentity = form.Get("identity_"+cand.Slot) == "yes"
		if cand.CompanyID == 0 {
			if rel := grievance.Relation(form.Get("relation_" + cand.Slot)); rel.Valid() {
				cand.Relation = rel
			}
		}
		for _, f := range form["files_"+cand.Slot] {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				cand.Files = append(cand.Files, id)
			}
		}
	}
	for _, m := range members {
		if !inCase[m.ID] {
			v.AddMembers = append(v.AddMembers, m)
		}
	}
	return v, nil
}

// addCandidate adds a member by hand, ready to refer, with the description to edit.
func (v *screeningView) addCandidate(memberID int64) bool {
	for i, m := range v.AddMembers {
		if m.ID == memberID {
			v.Candidates = append(v.Candidates, &candidate{
				Slot: "m" + strconv.FormatInt(memberID, 10), MemberID: memberID, Name: v.MemberName[memberID],
				Relation: "unknown", Added: true, Refer: true, Narrative: v.Case.Description,
			})
			v.AddMembers = slices.Delete(v.AddMembers, i, i+1)
			return true
		}
	}
	return false
}

func (h *Handler) screeningPage(r *http.Request, caseID int64) *web.Page {
	p := h.accounts.Page(r, "desk.screening.title")
	p.Path = caseURL(caseID) + "/screening"
	return p
}

// showScreening renders the screening page with status; form is the posted accept form, if any.
func (h *Handler) showScreening(w http.ResponseWriter, r *http.Request, caseID int64, status int, form url.Values, edit func(v *screeningView)) {
	p := h.screeningPage(r, caseID)
	v, err := h.loadScreening(r, caseID, p.Lang, form)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p.Title = p.T("desk.screening.title_ref", v.Case.Reference)
	if edit != nil {
		edit(v)
	}
	p.Data = v
	h.render.Render(w, status, "desk_screening", p)
}
