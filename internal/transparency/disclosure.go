package transparency

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type disclosureView struct {
	Disclosure
	YearName string
	Years    []int
	Members  []store.MemberRecord // for the secretariat's choice; empty for a member user
	MemberID int64
	CSVPath  string
	XLSXPath string
}

// disclosure is a member company's table for its sustainability report: the referrals it
// received in a fiscal year by category (every category, zeros included), by stage now, by
// outcome and remedy type. Member users get their own company's; the secretariat chooses one.
func (h *Handler) disclosure(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := account.CurrentUser(r)
	fy, ok := h.fiscalYear(r)
	if !ok {
		h.accounts.NotFound(w, r)
		return
	}
	members, err := h.store.AllMembers(ctx)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	memberID := user.MemberID
	if user.Role != grievance.RoleMember {
		memberID, _ = strconv.ParseInt(r.URL.Query().Get("member"), 10, 64)
		if memberID == 0 && len(members) > 0 {
			memberID = members[0].ID
		}
	}
	var member *store.MemberRecord
	for i := range members {
		if members[i].ID == memberID {
			member = &members[i]
		}
	}
	if member == nil {
		h.accounts.NotFound(w, r)
		return
	}
	p := h.accounts.Page(r, "disclosure.title")
	tl := h.store.Timeline()
	from, to := tl.FiscalYearSpan(fy)
	figures, err := h.store.MemberFigures(ctx, memberID, from, to)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	name := member.NameEN
	if p.Lang == "ja" && member.NameJA != "" {
		name = member.NameJA
	}
	d := Disclosure{Member: name, FiscalYear: fy, From: from, To: to, Received: figures.Referrals,
		Notes: []string{p.T("disclosure.note_counting"), p.T("disclosure.note_categories")},
		Labels: DisclosureLabels{FiscalYear: p.T("disclosure.fiscal_year"), Period: p.T("disclosure.period"), Received: p.T("disclosure.received"),
			Count: p.T("disclosure.count"), Notes: p.T("disclosure.notes")}}
	section := func(title, prefix string, codes []string, t store.Tally) DisclosureSection {
		s := DisclosureSection{Title: title}
		for _, c := range codes {
			s.Rows = append(s.Rows, DisclosureRow{Code: c, Label: p.T(prefix + c), Count: t[c]})
		}
		return s
	}
	d.Sections = []DisclosureSection{
		section(p.T("disclosure.by_category"), "code.category.", codesOf(grievance.Categories), figures.Categories),
		section(p.T("disclosure.by_stage"), "code.referral_stage.", codesOf(grievance.ReferralStages), figures.Stages),
		section(p.T("disclosure.by_outcome"), "code.outcome.", codesOf(grievance.Outcomes), figures.Outcomes),
		section(p.T("disclosure.by_remedy"), "code.remedy.", codesOf(grievance.RemedyTypes), figures.RemedyTypes),
	}
	file := "disclosure-" + strconv.FormatInt(memberID, 10) + "-" + strconv.Itoa(fy)
	switch r.URL.Query().Get("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`.csv"`)
		web.NoStoreDownload(w)
		if err := WriteDisclosureCSV(w, d); err != nil {
			h.accounts.Fail(w, r, err)
		}
		return
	case "xlsx":
		var buf bytes.Buffer
		if err := WriteDisclosureXLSX(&buf, d); err != nil {
			h.accounts.Fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`.xlsx"`)
		web.NoStoreDownload(w)
		w.Write(buf.Bytes())
		return
	}
	trend, err := h.yearTrend(ctx)
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	q := "?fiscal_year=" + strconv.Itoa(fy) + "&member=" + strconv.FormatInt(memberID, 10)
	v := disclosureView{Disclosure: d, YearName: p.T("fiscal_year.name", fy, fy, fy+1), Years: years(trend, tl.FiscalYear(h.store.Now())),
		MemberID: memberID, CSVPath: "/reports/disclosure" + q + "&format=csv", XLSXPath: "/reports/disclosure" + q + "&format=xlsx"}
	if user.Role != grievance.RoleMember {
		v.Members = members
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "report_disclosure", p)
}
