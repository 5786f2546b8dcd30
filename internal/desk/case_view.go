package desk

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// caseView is everything the case page shows. Every action on the page posts to its own route;
// a refused or incomplete action renders this page again with the typed values (Posted).
type caseView struct {
	Case        *store.DeskCase
	Now         time.Time
	CaseOverdue bool
	Identity    *store.Identity // set only in the answer to "show identity"
	Moves       []caseMove
	History     []store.DeskEvent // the case's own moves
	Referrals   []*referralView
	Threads     []thread // reporter ⇄ secretariat, each company ⇄ secretariat, internal notes
	Files       []fileView
	Handlers    []store.User
	Experts     []store.CaseExpert
	Roster      []store.User // active experts not assigned yet
	Findings    []store.Finding
	MemberName  map[int64]string
	Languages   []string
	Outcomes    []grievance.Outcome
	NotAccepted []grievance.NotAcceptedReason
	RemedyTypes []grievance.RemedyType
	Posted      *posted
	Saved       bool
	AfterEnd    time.Time // the reporter wrote after the case ended, and no handler has dealt with it
}

// caseMove is one form of the action area: a move the rules allow a handler now, with the
// fields its Needs flags ask for.
type caseMove struct {
	To           grievance.CaseStage
	Label        string // catalog key
	Form         string // the posted-form key
	Screening    bool   // accepting: done on the screening page (companies, what each is shown)
	Reason       bool
	Question     bool // the reason is the question the reporter will see
	NotAccepted  bool
	ReferralText bool
	Outcome      bool
	Lessons      bool
	AllConcluded bool // closing waits for every referral to conclude
	Danger       bool
}

type referralView struct {
	store.DeskReferral
	Company    string
	IsMember   bool
	Overdue    bool
	Escalated  bool
	Moves      []referralMove
	History    []store.DeskEvent
	Monitoring []store.MonitoringCheck
	CanMonitor bool
	Shared     []store.AttachmentInfo
}

type referralMove struct {
	To          grievance.ReferralStage
	Label       string
	Form        string
	Reason      bool
	Outcome     bool
	RemedyTypes bool
}

// thread is one conversation of the case with its post form.
type thread struct {
	Anchor     string
	Title      string // catalog key; %s is the company for a company thread
	Company    string
	Hint       string // catalog key
	Thread     string
	ReferralID int64
	Form       string
	Messages   []store.DeskMessage
}

type fileView struct {
	store.AttachmentInfo
	Reporter   bool     // one of the reporter's own files
	SharedWith []string // companies it was shared with
}

// posted is a form that came back: which one, what was typed, what went wrong.
type posted struct {
	Form   string
	Values url.Values
	Error  string // translated
	Field  string // the input to fix, if known
}

// Val is the typed value of field if form is the one that came back.
func (v *caseView) Val(form, field string) string {
	if v.Posted == nil || v.Posted.Form != form {
		return ""
	}
	return v.Posted.Values.Get(field)
}

// Vals is the typed values of a multiple-choice field if form is the one that came back.
func (v *caseView) Vals(form, field string) []string {
	if v.Posted == nil || v.Posted.Form != form {
		return nil
	}
	return v.Posted.Values[field]
}

// Err is the problem with form, if it is the one that came back.
func (v *caseView) Err(form string) string {
	if v.Posted == nil || v.Posted.Form != form {
		return ""
	}
	return v.Posted.Error
}

// FileName is the name of one of the case's files.
func (v *caseView) FileName(id int64) string {
	for _, f := range v.Files {
		if f.ID == id {
			return f.Name
		}
	}
	return ""
}

// ReferralName is the company a referral of the case goes to.
func (v *caseView) ReferralName(id int64) string {
	for _, r := range v.Referrals {
		if r.ID == id {
			return r.Company
		}
	}
	return ""
}

// KB is the file's size in kilobytes, at least 1.
func (f fileView) KB() int64 { return max(1, (f.Size+1023)/1024) }

// caseMoveLabel names a move the way a handler thinks of it.
func caseMoveLabel(m grievance.CaseMove) string {
	if m.From == grievance.CaseSuspended && m.To == grievance.CaseAccepted {
		return "desk.move.case.resume"
	}
	return "desk.move.case." + string(m.To)
}

func referralMoveLabel(m grievance.ReferralMove) string {
	if m.From == grievance.ReferralMonitoring && m.To == grievance.ReferralDialogue {
		return "desk.move.referral.reopen"
	}
	return "desk.move.referral." + string(m.To)
}

// loadCase builds the case page for the signed-in handler.
func (h *Handler) loadCase(r *http.Request, caseID int64, lang string) (*caseView, error) {
	ctx := r.Context()
	c, err := h.store.DeskCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	members, err := h.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	v := &caseView{
		Case: c, Now: h.store.Now(), MemberName: map[int64]string{}, Languages: locale.Languages(),
		Outcomes: grievance.Outcomes, NotAccepted: grievance.NotAcceptedReasons, RemedyTypes: grievance.RemedyTypes,
	}
	if v.AfterEnd, err = h.store.AfterEndMessage(ctx, caseID); err != nil {
		return nil, err
	}
	for _, m := range members {
		v.MemberName[m.ID] = m.DisplayName(lang)
	}
	v.CaseOverdue = grievance.Overdue(c.DueAt, v.Now)
	for _, m := range grievance.NextCaseMoves(c.Stage, grievance.RoleHandler) {
		mv := caseMove{To: m.To, Label: caseMoveLabel(m), Form: "stage:" + string(m.To), Danger: m.To == grievance.CaseWithdrawn}
		n := m.Needs
		mv.Screening = n&grievance.NeedsCompanies != 0
		mv.Reason = n&grievance.NeedsReason != 0
		if mv.Reason && m.To == grievance.CaseAwaitingInformation {
			// The store keeps the question as the move's reason and sends it to the reporter.
			mv.Reason, mv.Question = false, true
		}
		mv.NotAccepted = n&grievance.NeedsNotAcceptedReason != 0
		mv.ReferralText = n&grievance.NeedsReferralText != 0
		mv.Outcome = n&grievance.NeedsOutcome != 0
		mv.AllConcluded = n&grievance.NeedsAllReferralsConcluded != 0
		mv.Lessons = m.To == grievance.CaseClosed
		v.Moves = append(v.Moves, mv)
	}
	companies := map[int64]store.CaseCompany{}
	for _, cc := range c.Companies {
		companies[cc.ID] = cc
	}
	byReferral := map[int64]*referralView{}
	for _, ref := range c.Referrals {
		rv := &referralView{DeskReferral: ref}
		cc := companies[ref.CompanyID]
		rv.IsMember = ref.MemberID != 0
		rv.Company = cc.Name
		if rv.IsMember {
			rv.Company = v.MemberName[ref.MemberID]
		}
		rv.Escalated = grievance.Escalated(ref.Stage, ref.DueAt, v.Now)
		rv.Overdue = !rv.Escalated && grievance.Overdue(ref.DueAt, v.Now)
		for _, m := range grievance.NextReferralMoves(ref.Stage, c.Stage, grievance.RoleHandler) {
			rv.Moves = append(rv.Moves, referralMove{
				To: m.To, Label: referralMoveLabel(m), Form: "referral:" + strconv.FormatInt(ref.ID, 10) + ":" + string(m.To),
				Reason: m.Needs&grievance.NeedsReason != 0, Outcome: m.Needs&grievance.NeedsOutcome != 0,
				RemedyTypes: m.Needs&grievance.NeedsRemedyTypes != 0,
			})
		}
		// Checks follow an agreed remedy until the referral concludes, while the case is open; the
		// store refuses any other (monitoring_not_open), this only decides whether to offer the form.
		rv.CanMonitor = grievance.MonitoringOpen(ref.Stage, c.Stage)
		if rv.Monitoring, err = h.store.MonitoringChecks(ctx, ref.ID); err != nil {
			return nil, err
		}
		v.Referrals = append(v.Referrals, rv)
		byReferral[ref.ID] = rv
	}
	for _, e := range c.History {
		if e.ReferralID == 0 {
			v.History = append(v.History, e)
		} else if rv := byReferral[e.ReferralID]; rv != nil {
			rv.History = append(rv.History, e)
		}
	}
	v.Threads = append(v.Threads, thread{Anchor: "thread-reporter", Title: "desk.thread.reporter", Hint: "desk.thread.reporter_hint", Thread: store.ThreadReporter, Form: "message:reporter"})
	for _, rv := range v.Referrals {
		rid := strconv.FormatInt(rv.ID, 10)
		v.Threads = append(v.Threads, thread{Anchor: "thread-company-" + rid, Title: "desk.thread.company", Company: rv.Company, Hint: "desk.thread.company_hint",
			Thread: store.ThreadCompany, ReferralID: rv.ID, Form: "message:company:" + rid})
	}
	v.Threads = append(v.Threads, thread{Anchor: "thread-internal", Title: "desk.thread.internal", Hint: "desk.thread.internal_hint", Thread: store.ThreadInternal, Form: "message:internal"})
	for _, m := range c.Messages {
		for i := range v.Threads {
			if t := &v.Threads[i]; t.Thread == m.Thread && t.ReferralID == m.ReferralID {
				t.Messages = append(t.Messages, m)
			}
		}
	}
	for _, a := range c.Attachments {
		f := fileView{AttachmentInfo: a, Reporter: c.ReporterFile(a)}
		for _, rv := range v.Referrals {
			if slices.Contains(rv.SharedFiles, a.ID) {
				f.SharedWith = append(f.SharedWith, rv.Company)
				rv.Shared = append(rv.Shared, a)
			}
		}
		v.Files = append(v.Files, f)
	}
	if v.Handlers, err = h.store.ActiveUsers(ctx, grievance.RoleHandler); err != nil {
		return nil, err
	}
	if v.Experts, err = h.store.CaseExperts(ctx, caseID); err != nil {
		return nil, err
	}
	roster, err := h.store.ActiveUsers(ctx, grievance.RoleExpert)
	if err != nil {
		return nil, err
	}
	for _, u := range roster {
		if !slices.ContainsFunc(v.Experts, func(e store.CaseExpert) bool { return e.UserID == u.ID }) {
			v.Roster = append(v.Roster, u)
		}
	}
	if v.Findings, err = h.store.Findings(ctx, caseID); err != nil {
		return nil, err
	}
	return v, nil
}

// casePage starts the case page's frame; the language picker comes back to the case page even
// when the page answers a POST.
func (h *Handler) casePage(r *http.Request, caseID int64) *web.Page {
	p := h.accounts.Page(r, "desk.case.title")
	p.Path = caseURL(caseID)
	return p
}

func caseURL(caseID int64) string { return "/desk/cases/" + strconv.FormatInt(caseID, 10) }

// showCase renders the case page with status (a refused action: 422).
func (h *Handler) showCase(w http.ResponseWriter, r *http.Request, caseID int64, status int, edit func(v *caseView)) {
	p := h.casePage(r, caseID)
	v, err := h.loadCase(r, caseID, p.Lang)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p.Title = p.T("desk.case.title_ref", v.Case.Reference)
	if edit != nil {
		edit(v)
	}
	p.Data = v
	h.render.Render(w, status, "desk_case", p)
}

// refuse answers a form the handler must fix: the case page again, 422, with what was typed.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, caseID int64, form, field, message string) {
	h.showCase(w, r, caseID, http.StatusUnprocessableEntity, func(v *caseView) {
		v.Posted = &posted{Form: form, Values: r.PostForm, Error: message, Field: field}
	})
}

// ruleMessage explains a refusal by the rules in the handler's language.
func ruleMessage(lang string, err error) (field, message string, ok bool) {
	var re *grievance.RuleError
	if !errors.As(err, &re) {
		return "", "", false
	}
	key := "desk.rule." + re.Code
	msg := locale.T(lang, key)
	if msg == key {
		msg = locale.T(lang, "desk.rule.other")
	}
	return re.Field, msg, true
}

// saved sends the handler back to the case page after a change (POST-redirect-GET).
func saved(w http.ResponseWriter, r *http.Request, caseID int64, anchor string) {
	to := caseURL(caseID) + "?saved=1"
	if anchor != "" {
		to += "#" + anchor
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// caseID reads the case id of the path; a malformed one is simply not found.
func (h *Handler) caseID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.accounts.NotFound(w, r)
	}
	return id, ok
}

// pageLang is the staff language of the request (en or ja).
func pageLang(r *http.Request) string {
	var prefs []string
	if c, err := r.Cookie(web.LanguageCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	return locale.MatchStaff(append(prefs, r.Header.Get("Accept-Language"))...)
}
