package grievance

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Report is one grievance as the reporter (or a handler entering it for them) gives it: the intake
// fields of DESIGN section 4. Field names in FieldErrors are the public API's JSON names.
type Report struct {
	ReceivedAt   time.Time
	Channel      Channel
	Language     string
	ReporterType ReporterType

	Anonymous            bool
	IdentityName         string // sensitive
	IdentityContact      string // sensitive
	ConsentShareIdentity bool
	PreferredContact     ContactChannel

	Companies []CompanyRef
	Relation  Relation // default for companies that do not give their own

	Country string // ISO 3166-1 alpha-2
	Site    string // sensitive

	Categories       []Category
	WhenHappened     string // sensitive: free text ("since March", "2026-05-02")
	PeopleAffected   int
	VulnerableGroups []VulnerableGroup
	Urgency          Urgency
	FearsRetaliation bool

	Description          string // sensitive: what happened
	RemedySought         string // sensitive
	RaisedElsewhere      bool
	RaisedElsewhereWhere string // sensitive

	Attachments []Attachment

	// NotifyEmail, when given, is told "there is news on your case" and nothing else (sensitive,
	// sealed like the identity; it may be given by an anonymous reporter too).
	NotifyEmail string
}

// CompanyRef names a company concerned: a member by id, or any company by name.
type CompanyRef struct {
	MemberID int64
	Name     string // sensitive when free text: a small workshop's name can point at the reporter
	Relation Relation
}

// Attachment is a file given with a report or message. Its bytes are checked by the caller.
type Attachment struct {
	Name        string // sensitive
	ContentType string
	Data        []byte // sensitive; the original, which stays with the secretariat
	Shareable   []byte // sensitive; a copy without metadata that may be shared (nil: none)
}

// Limits bound what a report may hold.
type Limits struct {
	TextRunes        int // description, remedy sought
	ShortRunes       int // names, site, contact, …
	Companies        int
	Attachments      int
	AttachmentBytes  int
	PeopleAffectedTo int
}

// DefaultLimits are generous: a reporter must never be stopped by a limit they could not foresee.
var DefaultLimits = Limits{
	TextRunes:        50000,
	ShortRunes:       1000,
	Companies:        20,
	Attachments:      10,
	AttachmentBytes:  10 << 20,
	PeopleAffectedTo: 10_000_000,
}

// FieldErrors maps a field's API name to a problem code ("required", "invalid_code", …).
type FieldErrors map[string]string

func (fe FieldErrors) Error() string {
	parts := make([]string, 0, len(fe))
	for f, p := range fe {
		parts = append(parts, f+": "+p)
	}
	return "invalid report: " + strings.Join(parts, ", ")
}

// Normalize trims text, canonicalises the language tag and country code, applies the default
// relation and drops duplicate codes; it never discards what the reporter wrote.
func (r *Report) Normalize() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, p := range []*string{&r.Language, &r.IdentityName, &r.IdentityContact, &r.Country, &r.Site, &r.WhenHappened, &r.RaisedElsewhereWhere, &r.NotifyEmail} {
		trim(p)
	}
	// Browsers send a textarea's line breaks as CRLF; stored text uses LF whatever the channel.
	r.Description = strings.TrimSpace(NormalizeNewlines(r.Description))
	r.RemedySought = strings.TrimSpace(NormalizeNewlines(r.RemedySought))
	if tag, err := language.Parse(r.Language); err == nil {
		r.Language = tag.String()
	}
	r.Country = strings.ToUpper(r.Country)
	// Names are shown to people who act on them: no bidi control may disguise one.
	r.IdentityName = PlainName(r.IdentityName)
	for i := range r.Attachments {
		r.Attachments[i].Name = PlainName(r.Attachments[i].Name)
	}
	for i := range r.Companies {
		r.Companies[i].Name = PlainName(r.Companies[i].Name)
		if r.Companies[i].Relation == "" {
			r.Companies[i].Relation = r.Relation
		}
		if r.Companies[i].Relation == "" {
			r.Companies[i].Relation = "unknown"
		}
	}
	if r.Relation == "" {
		r.Relation = "unknown"
	}
	if r.Urgency == "" {
		r.Urgency = "normal"
	}
	if r.Anonymous {
		// An anonymous report keeps no identity, whatever else arrived with it.
		r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = "", "", false
	}
	r.Categories = dedupe(r.Categories)
	r.VulnerableGroups = dedupe(r.VulnerableGroups)
}

// Validate checks the report against the rules and limits; it reports every problem at once so the
// reporter can fix them in one go.
func (r *Report) Validate(l Limits) FieldErrors { return r.validate(l, false) }

// ValidateHistoric checks a report imported from past records. Such records may not say how the
// report arrived or where (ChannelUnrecorded, UnrecordedCountry); everything else is as strict.
func (r *Report) ValidateHistoric(l Limits) FieldErrors { return r.validate(l, true) }

func (r *Report) validate(l Limits, historic bool) FieldErrors {
	fe := FieldErrors{}
	add := func(field, problem string) {
		if _, ok := fe[field]; !ok {
			fe[field] = problem
		}
	}
	short := func(field, v string) {
		if utf8.RuneCountInString(v) > l.ShortRunes {
			add(field, "too_long")
		}
	}
	if !r.Channel.Valid() && !(historic && r.Channel == ChannelUnrecorded) {
		add("channel", "invalid_code")
	}
	if r.Language == "" {
		add("language", "required")
	} else if _, err := language.Parse(r.Language); err != nil {
		add("language", "invalid_language")
	}
	if blank(r.Description) {
		add("description", "required")
	} else if utf8.RuneCountInString(r.Description) > l.TextRunes {
		add("description", "too_long")
	}
	if utf8.RuneCountInString(r.RemedySought) > l.TextRunes {
		add("remedy_sought", "too_long")
	}
	if r.Country == "" {
		add("country", "required")
	} else if !ValidCountry(r.Country) && !(historic && r.Country == UnrecordedCountry) {
		add("country", "invalid_country")
	}
	if r.ReporterType != "" && !r.ReporterType.Valid() {
		add("reporter_type", "invalid_code")
	}
	if r.PreferredContact != "" && !r.PreferredContact.Valid() {
		add("preferred_contact", "invalid_code")
	}
	if !r.Relation.Valid() {
		add("relation", "invalid_code")
	}
	if !r.Urgency.Valid() {
		add("urgency", "invalid_code")
	}
	switch {
	case len(r.Companies) == 0:
		add("companies", "required")
	case len(r.Companies) > l.Companies:
		add("companies", "too_many")
	}
	for i, c := range r.Companies {
		field := fmt.Sprintf("companies[%d]", i)
		switch {
		case c.MemberID == 0 && c.Name == "":
			add(field, "member_or_name")
		case c.MemberID < 0:
			add(field+".member_id", "invalid_code")
		}
		short(field+".name", c.Name)
		if !c.Relation.Valid() {
			add(field+".relation", "invalid_code")
		}
	}
	for _, c := range r.Categories {
		if !c.Valid() {
			add("categories", "invalid_code")
		}
	}
	for _, g := range r.VulnerableGroups {
		if !g.Valid() {
			add("vulnerable_groups", "invalid_code")
		}
	}
	if r.PeopleAffected < 0 || r.PeopleAffected > l.PeopleAffectedTo {
		add("people_affected", "out_of_range")
	}
	short("identity_name", r.IdentityName)
	short("identity_contact", r.IdentityContact)
	short("site", r.Site)
	short("when_happened", r.WhenHappened)
	short("raised_elsewhere_where", r.RaisedElsewhereWhere)
	if r.NotifyEmail != "" && !ValidNotifyEmail(r.NotifyEmail) {
		add("notify_email", "invalid_email")
	}
	if len(r.Attachments) > l.Attachments {
		add("attachments", "too_many")
	}
	for i, a := range r.Attachments {
		field := fmt.Sprintf("attachments[%d]", i)
		switch {
		case len(a.Data) == 0:
			add(field, "required")
		case len(a.Data) > l.AttachmentBytes:
			add(field, "too_large")
		}
		short(field+".name", a.Name)
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func dedupe[T comparable](list []T) []T {
	seen := make(map[T]bool, len(list))
	out := make([]T, 0, len(list))
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// NormalizeNewlines turns CRLF and lone CR into LF.
func NormalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
