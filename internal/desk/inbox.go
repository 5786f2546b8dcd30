package desk

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type inboxView struct {
	Form       url.Values // the filter as typed, to keep it in the form and the links
	Attention  bool       // the "needs attention" view
	Inbox      store.Inbox
	Pages      int
	PrevURL    string
	NextURL    string
	StageTabs  []stageTab
	Members    []store.Member
	Countries  []web.CountryOption
	Languages  []string
	Categories []grievance.Category
	Urgencies  []grievance.Urgency
	Referral   []grievance.ReferralStage
	MemberName map[int64]string
	Bulk       bulkView
	AfterEnd   []store.AfterEndCase // ended cases whose reporter wrote since, listed above the others
}

type stageTab struct {
	Stage   grievance.CaseStage
	Count   int
	URL     string
	Current bool
}

// inboxFilter reads the inbox's query string. Unknown codes are dropped, not errors: a link
// with a stale filter still shows a list.
func inboxFilter(q url.Values, me int64) store.InboxFilter {
	// Every list marks what is new to the handler looking.
	f := store.InboxFilter{Viewer: me, Attention: q.Get("view") == "attention"}
	for _, s := range q["stage"] {
		if st := grievance.CaseStage(s); st.Valid() {
			f.Stages = append(f.Stages, st)
		}
	}
	if q.Get("stage") == "all" {
		f.Stages = grievance.CaseStages
	}
	if st := grievance.ReferralStage(q.Get("referral")); st.Valid() {
		f.ReferralStage = st
	}
	switch d := q.Get("due"); d {
	case "overdue":
		f.Overdue = true
	default:
		if n, err := strconv.Atoi(d); err == nil && n > 0 && n <= 366 {
			f.DueWithinDays = n
		}
	}
	f.MemberID, _ = strconv.ParseInt(q.Get("member"), 10, 64)
	if c := q.Get("country"); grievance.ValidCountry(c) {
		f.Country = c
	}
	if c := grievance.Category(q.Get("category")); c.Valid() {
		f.Category = c
	}
	if l := q.Get("language"); slices.Contains(locale.Languages(), l) {
		f.Language = l
	}
	if u := grievance.Urgency(q.Get("urgency")); u.Valid() {
		f.Urgency = u
	}
	if q.Get("mine") == "1" {
		f.HandlerID = me
	}
	switch q.Get("sort") {
	case "received", "reference":
		f.Sort = q.Get("sort")
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	f.PerPage = 50
	return f
}

// withQuery is the inbox's URL with one parameter changed (and the page reset unless it is the
// page that changes).
func withQuery(q url.Values, key, value string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = slices.Clone(v)
	}
	if key != "page" {
		c.Del("page")
	}
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	if len(c) == 0 {
		return "/desk"
	}
	return "/desk?" + c.Encode()
}

// afterEndListed bounds the list of ended cases whose reporter wrote: more than a page's worth
// waiting is a backlog the handlers see at once, and the list says so.
const afterEndListed = 50

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var bulk bulkView
	if n, err := strconv.Atoi(q.Get("declined")); err == nil {
		bulk.Done = n
		q.Del("declined")
	}
	h.showInbox(w, r, q, http.StatusOK, bulk)
}

// showInbox lists the cases q asks for, with the bulk form as bulk says.
func (h *Handler) showInbox(w http.ResponseWriter, r *http.Request, q url.Values, status int, bulk bulkView) {
	f := inboxFilter(q, account.CurrentUser(r).ID)
	in, err := h.store.Inbox(r.Context(), f, h.store.Now())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	members, err := h.store.Members(r.Context())
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p := h.accounts.Page(r, "desk.inbox.title")
	v := inboxView{
		Form: q, Attention: f.Attention, Inbox: in, Members: members, Countries: web.Countries(p.Lang),
		Languages: locale.Languages(), Categories: grievance.Categories, Urgencies: grievance.Urgencies,
		Referral: grievance.ReferralStages, MemberName: map[int64]string{}, Bulk: bulk,
	}
	// A reporter who writes after their case ended is heard whatever the filter: the case shows
	// above the list until a handler marks it handled (afterEndHandled).
	if v.AfterEnd, err = h.store.AfterEndCases(r.Context(), afterEndListed); err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	for _, m := range members {
		v.MemberName[m.ID] = m.DisplayName(p.Lang)
	}
	v.Pages = (in.Total + in.PerPage - 1) / in.PerPage
	if in.Page > 1 {
		v.PrevURL = withQuery(q, "page", strconv.Itoa(in.Page-1))
	}
	// A capped total says only "more than": a full page may have another after it.
	if in.Page < v.Pages || (in.TotalCapped && len(in.Rows) == in.PerPage) {
		v.NextURL = withQuery(q, "page", strconv.Itoa(in.Page+1))
	}
	// A stage tab leaves the attention view, which has no stages of its own.
	tabs := q
	if f.Attention {
		tabs = url.Values{}
	}
	for _, st := range grievance.CaseStages {
		if st.Final() {
			continue
		}
		v.StageTabs = append(v.StageTabs, stageTab{
			Stage: st, Count: in.StageCounts[st], URL: withQuery(tabs, "stage", string(st)),
			Current: !f.Attention && len(f.Stages) == 1 && f.Stages[0] == st,
		})
	}
	p.Data = v
	h.render.Render(w, status, "desk_inbox", p)
}
