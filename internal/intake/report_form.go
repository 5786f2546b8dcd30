package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/digits"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/web"
)

type companyValue struct{ Name, Relation string }

// reportValues is the form exactly as the reporter filled it, so it can be shown again unchanged.
type reportValues struct {
	ReporterType, Anonymous, IdentityName, IdentityContact string
	Consent                                                bool
	PreferredContact                                       string
	Companies                                              [2]companyValue
	Country, Site, WhenHappened                            string
	Categories                                             []string
	Description                                            string
	PeopleAffected                                         string
	VulnerableGroups                                       []string
	Urgency                                                string
	FearsRetaliation                                       bool
	RemedySought                                           string
	RaisedElsewhere                                        bool
	RaisedElsewhereWhere                                   string
	NotifyEmail                                            string
}

func valuesFromForm(f url.Values) reportValues {
	yes := func(k string) bool { return f.Get(k) == "yes" }
	v := reportValues{
		ReporterType: f.Get("reporter_type"), Anonymous: f.Get("anonymous"), IdentityName: f.Get("identity_name"),
		IdentityContact: f.Get("identity_contact"), Consent: yes("consent_share_identity"), PreferredContact: f.Get("preferred_contact"),
		Country: f.Get("country"), Site: f.Get("site"), WhenHappened: f.Get("when_happened"), Categories: f["categories"],
		Description: f.Get("description"), PeopleAffected: f.Get("people_affected"), VulnerableGroups: f["vulnerable_groups"],
		Urgency: f.Get("urgency"), FearsRetaliation: yes("fears_retaliation"), RemedySought: f.Get("remedy_sought"),
		RaisedElsewhere: yes("raised_elsewhere"), RaisedElsewhereWhere: f.Get("raised_elsewhere_where"),
		NotifyEmail: f.Get("notify_email"),
	}
	for i := range v.Companies {
		v.Companies[i] = companyValue{Name: f.Get(fmt.Sprintf("company_%d_name", i)), Relation: f.Get(fmt.Sprintf("company_%d_relation", i))}
	}
	return v
}

// memberOption is a name a reporter may type for a member: its names, group companies, brands
// and known suppliers.
type memberOption struct {
	Name   string
	Member string
	ID     int64
}

// reportForm is everything the form template needs.
type reportForm struct {
	Values           reportValues
	Errors           map[string]string // field → translated message
	Summary          []errorItem
	FilesLost        bool
	Members          []memberOption
	Countries        []web.CountryOption
	ReporterTypes    []grievance.ReporterType
	ContactChannels  []grievance.ContactChannel
	Relations        []grievance.Relation
	Categories       []grievance.Category
	VulnerableGroups []grievance.VulnerableGroup
	Urgencies        []grievance.Urgency
	MaxFiles         int
	MaxFileMB        int
	Challenge        string // while the filing budgets are spent: a proof-of-work challenge
	Bits             int
	Filing           string // the form's one-time token (report_once.go)
}

// Err is the message for a field, or "".
func (f *reportForm) Err(field string) string { return f.Errors[field] }

// CompanyErr is the message for the i-th company row.
func (f *reportForm) CompanyErr(i int) string {
	for _, k := range []string{fmt.Sprintf("companies[%d]", i), fmt.Sprintf("companies[%d].name", i), fmt.Sprintf("companies[%d].member_id", i)} {
		if m := f.Errors[k]; m != "" {
			return m
		}
	}
	if i == 0 {
		return f.Errors["companies"]
	}
	return ""
}

func (h *Handler) newReportForm(ctx context.Context, lang string, v reportValues) (*reportForm, error) {
	members, err := h.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	f := &reportForm{
		Values: v, Errors: map[string]string{}, Countries: web.Countries(lang),
		ReporterTypes: grievance.ReporterTypes, ContactChannels: grievance.ContactChannels, Relations: relationChoices(),
		Categories: grievance.Categories, VulnerableGroups: grievance.VulnerableGroups, Urgencies: grievance.Urgencies,
		MaxFiles: web.MaxFiles, MaxFileMB: web.MaxFileBytes >> 20,
	}
	for _, m := range members {
		display := m.NameEN
		if lang == "ja" && m.NameJA != "" {
			display = m.NameJA
		}
		f.Members = append(f.Members, memberOption{Name: m.NameEN, Member: display, ID: m.ID})
		if m.NameJA != "" {
			f.Members = append(f.Members, memberOption{Name: m.NameJA, Member: display, ID: m.ID})
		}
		for _, a := range m.Aliases {
			f.Members = append(f.Members, memberOption{Name: a.Name, Member: display, ID: m.ID})
		}
	}
	return f, nil
}

// relationChoices lists "I do not know" first. A select with nothing chosen sends its first
// option, so a reporter who leaves the list alone says they do not know how the company is
// linked, never that it happened at the company itself.
func relationChoices() []grievance.Relation {
	out := []grievance.Relation{"unknown"}
	for _, r := range grievance.Relations {
		if r != "unknown" {
			out = append(out, r)
		}
	}
	return out
}

// memberID finds the member a typed company name stands for, by any of its names.
func (f *reportForm) memberID(name string) int64 {
	for _, m := range f.Members {
		if strings.EqualFold(strings.TrimSpace(name), m.Name) {
			return m.ID
		}
	}
	return 0
}

// report turns the form into a report for the rules to check.
func (f *reportForm) report(lang string) (grievance.Report, map[string]string) {
	v := f.Values
	problems := map[string]string{}
	r := grievance.Report{
		Channel: grievance.ChannelWeb, Language: lang, ReporterType: grievance.ReporterType(v.ReporterType),
		Anonymous: v.Anonymous != "no", IdentityName: v.IdentityName, IdentityContact: v.IdentityContact,
		ConsentShareIdentity: v.Consent, PreferredContact: grievance.ContactChannel(v.PreferredContact),
		Country: v.Country, Site: v.Site, WhenHappened: v.WhenHappened, Description: v.Description,
		Urgency: grievance.Urgency(v.Urgency), FearsRetaliation: v.FearsRetaliation, RemedySought: v.RemedySought,
		RaisedElsewhere: v.RaisedElsewhere, RaisedElsewhereWhere: v.RaisedElsewhereWhere,
		NotifyEmail: v.NotifyEmail,
	}
	for _, c := range v.Companies {
		if strings.TrimSpace(c.Name) == "" {
			continue
		}
		r.Companies = append(r.Companies, grievance.CompanyRef{MemberID: f.memberID(c.Name), Name: c.Name, Relation: grievance.Relation(c.Relation)})
	}
	for _, c := range v.Categories {
		r.Categories = append(r.Categories, grievance.Category(c))
	}
	for _, g := range v.VulnerableGroups {
		r.VulnerableGroups = append(r.VulnerableGroups, grievance.VulnerableGroup(g))
	}
	if s := strings.TrimSpace(v.PeopleAffected); s != "" {
		n, err := strconv.Atoi(digits.ASCII(s))
		if err != nil {
			problems["people_affected"] = "not_a_number"
		}
		r.PeopleAffected = n
	}
	return r, problems
}

// fieldOrder is the order of the form, for the error summary.
var fieldOrder = []string{"reporter_type", "identity_name", "identity_contact", "preferred_contact", "notify_email", "companies", "companies[0]", "companies[0].name", "companies[0].member_id", "companies[0].relation",
	"companies[1]", "companies[1].name", "companies[1].member_id", "companies[1].relation", "relation", "country", "site", "when_happened", "categories", "description",
	"people_affected", "vulnerable_groups", "urgency", "remedy_sought", "raised_elsewhere_where", "attachments", "language"}

// setErrors translates problem codes and builds the summary in form order.
func (f *reportForm) setErrors(lang string, problems map[string]string) {
	for _, field := range fieldOrder {
		code, ok := problems[field]
		if !ok {
			continue
		}
		msg := locale.T(lang, "field."+code)
		f.Errors[field] = msg
		anchor, label := "f-"+field, "form.field."+field
		if strings.HasPrefix(field, "companies") {
			i := "0"
			if strings.HasPrefix(field, "companies[1]") {
				i = "1"
			}
			anchor, label = "f-company-"+i+"-name", "form.field.company"
		}
		f.Summary = append(f.Summary, errorItem{Anchor: anchor, Text: locale.T(lang, label) + ": " + msg})
	}
	for field, code := range problems { // anything not in the form order still shows
		if _, shown := f.Errors[field]; !shown && !strings.HasPrefix(field, "attachments[") {
			f.Errors[field] = locale.T(lang, "field."+code)
			f.Summary = append(f.Summary, errorItem{Anchor: "main", Text: locale.T(lang, "field."+code)})
		}
	}
}

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "form.title")
	f, err := h.newReportForm(r.Context(), p.Lang, reportValues{Urgency: "normal", Anonymous: "yes", PreferredContact: "platform"})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f.Filing = newFilingToken()
	p.Data = f
	h.render.Render(w, http.StatusOK, "report", p)
}
