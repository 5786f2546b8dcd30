package member

import (
	"net/http"
	"net/url"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// formState is what one form on the page holds after a refused post: what was typed, and a
// message per field to fix.
type formState struct {
	Values url.Values
	Errors map[string]string
}

// Err is the message for a field, if any.
func (f formState) Err(field string) string { return f.Errors[field] }

// moveForm is one move the rules let the company make now, with the fields it carries.
type moveForm struct {
	To             grievance.ReferralStage
	ReasonKey      string // the label of its text, "" when the move carries none
	ReasonRequired bool
	Outcome        bool
	RemedyTypes    bool
	formState
}

// referralView is the referral page.
type referralView struct {
	Ref            *store.MemberReferralView
	Escalated      bool
	Overdue        bool
	Notice         string // catalog key of what was just done
	Moves          []moveForm
	MoveError      string // a move refused as a whole (e.g. someone already moved the referral)
	LostText       string // the text typed for a move that is no longer offered
	MonitoringOpen bool
	Message        formState
	Monitoring     formState
	FilesLost      bool
	HasErrors      bool
	Identity       *store.Identity
	RemedyTypes    []grievance.RemedyType
	Outcomes       []grievance.Outcome
}

// FilesOf lists the thread files of one message.
func (v *referralView) FilesOf(messageID int64) []store.AttachmentInfo {
	var out []store.AttachmentInfo
	for _, a := range v.Ref.MessageFiles {
		if a.MessageID == messageID {
			out = append(out, a)
		}
	}
	return out
}

// reasonKey is the label of the text a member's move carries. The company's initial assessment
// is the text of its forwarded → responded move, and the remedy plan that of its move to
// remedy_agreed; any other move shows a text field only when the rules ask for a reason.
func reasonKey(m grievance.ReferralMove) string {
	switch {
	case m.To == grievance.ReferralResponded:
		return "member.move.assessment"
	case m.To == grievance.ReferralRemedyAgreed:
		return "member.move.plan"
	case m.Needs&grievance.NeedsReason != 0:
		return "member.move.reason"
	}
	return ""
}

// loadReferral builds the page for the signed-in user's company, or answers 404 when the
// referral is not theirs.
func (h *Handler) loadReferral(w http.ResponseWriter, r *http.Request) (*referralView, *web.Page, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
		return nil, nil, false
	}
	ref, err := h.store.MemberReferral(r.Context(), account.CurrentUser(r).MemberID, id)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return nil, nil, false
	}
	now := h.store.Now()
	v := &referralView{
		Ref: ref, Escalated: grievance.Escalated(ref.Stage, ref.DueAt, now), Overdue: grievance.Overdue(ref.DueAt, now),
		MonitoringOpen: grievance.MonitoringOpen(ref.Stage, ref.CaseStage), RemedyTypes: grievance.RemedyTypes, Outcomes: grievance.Outcomes,
	}
	// Exactly the moves the rules allow a member now, one form each.
	for _, m := range grievance.NextReferralMoves(ref.Stage, ref.CaseStage, grievance.RoleMember) {
		v.Moves = append(v.Moves, moveForm{
			To: m.To, ReasonKey: reasonKey(m), ReasonRequired: m.Needs&grievance.NeedsReason != 0,
			Outcome: m.Needs&grievance.NeedsOutcome != 0, RemedyTypes: m.Needs&grievance.NeedsRemedyTypes != 0,
		})
	}
	p := h.accounts.Page(r, "member.referral.title")
	p.Title = p.T("member.referral.title", ref.Reference)
	p.Data = v
	return v, p, true
}

func (h *Handler) renderReferral(w http.ResponseWriter, status int, p *web.Page, v *referralView) {
	p.Data = v
	h.render.Render(w, status, "member_referral", p)
}

var notices = map[string]string{
	"moved": "member.done.moved", "sent": "member.done.sent", "checked": "member.done.checked",
}

func (h *Handler) referralShow(w http.ResponseWriter, r *http.Request) {
	// Seen as of before the page is read (store.MarkCaseSeen), once it is known to be theirs.
	seen := h.store.Now()
	v, p, ok := h.loadReferral(w, r)
	if !ok {
		return
	}
	v.Notice = notices[r.URL.Query().Get("done")]
	if err := h.store.MarkCaseSeen(r.Context(), account.CurrentUser(r).ID, v.Ref.CaseID, seen); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	h.renderReferral(w, http.StatusOK, p, v)
}
