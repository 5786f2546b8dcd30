package desk

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/digits"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// A handler enters a report received by phone, email, letter or in person: the public form's
// fields, plus the channel and the reporter's language, and companies chosen from the members
// or typed. The report goes through the same rules (grievance.Report Normalize and Validate) and
// the same store method as a reporter's own.

// intakeChannels are the ways a report reaches a handler rather than the web form or the API.
var intakeChannels = []grievance.Channel{"phone", "email", "letter", "in_person"}

// intakeCompanies is how many company rows the form offers.
const intakeCompanies = 3

type intakeCompany struct{ Member, Name, Relation string }

// intakeValues is the form exactly as the handler filled it, to show it again unchanged.
type intakeValues struct {
	Channel, Language, ReporterType, Anonymous, IdentityName, IdentityContact string
	Consent                                                                   bool
	PreferredContact                                                          string
	Companies                                                                 [intakeCompanies]intakeCompany
	Country, Site, WhenHappened                                               string
	Categories                                                                []string
	Description, PeopleAffected                                               string
	VulnerableGroups                                                          []string
	Urgency                                                                   string
	FearsRetaliation                                                          bool
	RemedySought                                                              string
	RaisedElsewhere                                                           bool
	RaisedElsewhereWhere                                                      string
	StaffNote                                                                 string // the handler's own notes: an internal note, never the reporter's
}

func intakeFromForm(f url.Values) intakeValues {
	yes := func(k string) bool { return f.Get(k) == "yes" }
	v := intakeValues{
		Channel: f.Get("channel"), Language: f.Get("language"), ReporterType: f.Get("reporter_type"), Anonymous: f.Get("anonymous"),
		IdentityName: f.Get("identity_name"), IdentityContact: f.Get("identity_contact"), Consent: yes("consent_share_identity"),
		PreferredContact: f.Get("preferred_contact"), Country: f.Get("country"), Site: f.Get("site"), WhenHappened: f.Get("when_happened"),
		Categories: f["categories"], Description: f.Get("description"), PeopleAffected: f.Get("people_affected"),
		VulnerableGroups: f["vulnerable_groups"], Urgency: f.Get("urgency"), FearsRetaliation: yes("fears_retaliation"),
		RemedySought: f.Get("remedy_sought"), RaisedElsewhere: yes("raised_elsewhere"), RaisedElsewhereWhere: f.Get("raised_elsewhere_where"),
		StaffNote: f.Get("staff_note"),
	}
	for i := range v.Companies {
		v.Companies[i] = intakeCompany{
			Member: f.Get(fmt.Sprintf("company_%d_member", i)), Name: f.Get(fmt.Sprintf("company_%d_name", i)),
			Relation: f.Get(fmt.Sprintf("company_%d_relation", i)),
		}
	}
	return v
}

type errorItem struct{ Anchor, Text string }

// intakeView is everything the intake template needs.
type intakeView struct {
	Values           intakeValues
	Errors           map[string]string // field → translated message
	Summary          []errorItem
	FilesLost        bool
	Members          []store.Member
	Channels         []grievance.Channel
	Languages        []string
	Countries        []web.CountryOption
	ReporterTypes    []grievance.ReporterType
	ContactChannels  []grievance.ContactChannel
	Relations        []grievance.Relation
	Categories       []grievance.Category
	VulnerableGroups []grievance.VulnerableGroup
	Urgencies        []grievance.Urgency
	MaxFiles         int
	MaxFileMB        int
}

// Err is the message for a field, or "".
func (f *intakeView) Err(field string) string { return f.Errors[field] }

// CompanyErr is the message for the i-th company row.
func (f *intakeView) CompanyErr(i int) string {
	for _, k := range []string{fmt.Sprintf("companies[%d]", i), fmt.Sprintf("companies[%d].name", i), fmt.Sprintf("companies[%d].member_id", i), fmt.Sprintf("companies[%d].relation", i)} {
		if m := f.Errors[k]; m != "" {
			return m
		}
	}
	return ""
}

func (h *Handler) newIntakeView(r *http.Request, lang string, v intakeValues) (*intakeView, error) {
	members, err := h.store.Members(r.Context())
	if err != nil {
		return nil, err
	}
	return &intakeView{
		Values: v, Errors: map[string]string{}, Members: members, Channels: intakeChannels, Languages: locale.Languages(),
		Countries: web.Countries(lang), ReporterTypes: grievance.ReporterTypes, ContactChannels: grievance.ContactChannels,
		Relations: grievance.Relations, Categories: grievance.Categories, VulnerableGroups: grievance.VulnerableGroups,
		Urgencies: grievance.Urgencies, MaxFiles: web.MaxFiles, MaxFileMB: web.MaxFileBytes >> 20,
	}, nil
}

// report turns the form into a report for the rules to check, with the problems only the form
// can see (a number that is not one, a channel that is not a handler's).
func (f *intakeView) report() (grievance.Report, map[string]string) {
	v := f.Values
	problems := map[string]string{}
	r := grievance.Report{
		Channel: grievance.Channel(v.Channel), Language: v.Language, ReporterType: grievance.ReporterType(v.ReporterType),
		Anonymous: v.Anonymous != "no", IdentityName: v.IdentityName, IdentityContact: v.IdentityContact,
		ConsentShareIdentity: v.Consent, PreferredContact: grievance.ContactChannel(v.PreferredContact),
		Country: v.Country, Site: v.Site, WhenHappened: v.WhenHappened, Description: v.Description,
		Urgency: grievance.Urgency(v.Urgency), FearsRetaliation: v.FearsRetaliation, RemedySought: v.RemedySought,
		RaisedElsewhere: v.RaisedElsewhere, RaisedElsewhereWhere: v.RaisedElsewhereWhere,
	}
	if !slices.Contains(intakeChannels, r.Channel) {
		problems["channel"] = "invalid_code"
	}
	for i, c := range v.Companies {
		member, _ := strconv.ParseInt(c.Member, 10, 64)
		if member == 0 && strings.TrimSpace(c.Name) == "" {
			continue
		}
		if c.Member != "" && member <= 0 {
			problems[fmt.Sprintf("companies[%d].member_id", i)] = "unknown_member"
		}
		r.Companies = append(r.Companies, grievance.CompanyRef{MemberID: member, Name: c.Name, Relation: grievance.Relation(c.Relation)})
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

// intakeFieldOrder is the order of the form, for the error summary, with each field's anchor.
var intakeFieldOrder = []string{"channel", "language", "reporter_type", "identity_name", "identity_contact", "preferred_contact",
	"companies", "relation", "country", "site", "when_happened", "categories", "description", "people_affected",
	"vulnerable_groups", "urgency", "remedy_sought", "raised_elsewhere_where", "staff_note", "attachments"}

// setErrors translates problem codes and builds the summary in form order. A company row's
// problems are keyed companies[i]…; they show beside their row and once in the summary.
func (f *intakeView) setErrors(lang string, problems map[string]string) {
	label := func(field string) string { return locale.T(lang, "desk.intake.field."+field) }
	for field, code := range problems {
		f.Errors[field] = locale.T(lang, "field."+code)
	}
	for _, field := range intakeFieldOrder {
		if msg, ok := f.Errors[field]; ok {
			f.Summary = append(f.Summary, errorItem{Anchor: "f-" + field, Text: label(field) + ": " + msg})
		}
	}
	for i := 0; i < intakeCompanies; i++ {
		if msg := f.CompanyErr(i); msg != "" {
			f.Summary = append(f.Summary, errorItem{Anchor: fmt.Sprintf("f-company-%d", i), Text: label("company") + " " + strconv.Itoa(i+1) + ": " + msg})
		}
	}
	for field, msg := range f.Errors { // anything else still shows
		if !slices.Contains(intakeFieldOrder, field) && !strings.HasPrefix(field, "companies[") && !strings.HasPrefix(field, "attachments[") {
			f.Summary = append(f.Summary, errorItem{Anchor: "main", Text: msg})
		}
	}
}

// intakeForm is the empty form.
func (h *Handler) intakeForm(w http.ResponseWriter, r *http.Request) {
	p := h.accounts.Page(r, "desk.intake.title")
	v, err := h.newIntakeView(r, p.Lang, intakeValues{Channel: "phone", Language: p.Lang, Anonymous: "yes", Urgency: "normal"})
	if err != nil {
		h.accounts.Fail(w, r, err)
		return
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "desk_intake", p)
}
