package grievance_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// minimalReport is the smallest report the rules accept.
func minimalReport() grievance.Report {
	return grievance.Report{
		Language:    "ja",
		Description: "工場で残業代が支払われていません。",
		Country:     "JP",
		Companies:   []grievance.CompanyRef{{Name: "Example Sewing Co."}},
		Channel:     "api",
	}
}

func attachment(n int) grievance.Attachment {
	return grievance.Attachment{Name: "photo.jpg", ContentType: "image/jpeg", Data: make([]byte, n)}
}

func TestReportValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*grievance.Report)
		want   grievance.FieldErrors // nil: valid
	}{
		{"minimal", func(r *grievance.Report) {}, nil},
		{"member by id only", func(r *grievance.Report) { r.Companies = []grievance.CompanyRef{{MemberID: 7}} }, nil},
		{"web channel, every optional code set", func(r *grievance.Report) {
			r.Channel = "web"
			r.ReporterType = "union"
			r.PreferredContact = "email"
			r.Relation = "supplier_deeper"
			r.Urgency = "urgent"
			r.Categories = []grievance.Category{"wages_benefits", "working_hours"}
			r.VulnerableGroups = []grievance.VulnerableGroup{"migrant", "women"}
			r.PeopleAffected = 120
			r.Attachments = []grievance.Attachment{attachment(10)}
		}, nil},

		{"missing language", func(r *grievance.Report) { r.Language = "" }, grievance.FieldErrors{"language": "required"}},
		{"blank language", func(r *grievance.Report) { r.Language = "  " }, grievance.FieldErrors{"language": "required"}},
		{"bad language tag", func(r *grievance.Report) { r.Language = "not a tag!!" }, grievance.FieldErrors{"language": "invalid_language"}},
		{"missing description", func(r *grievance.Report) { r.Description = "" }, grievance.FieldErrors{"description": "required"}},
		{"whitespace-only description", func(r *grievance.Report) { r.Description = " \n\t\r\n " }, grievance.FieldErrors{"description": "required"}},
		{"ideographic-space-only description", func(r *grievance.Report) { r.Description = "\u3000\u3000" }, grievance.FieldErrors{"description": "required"}},
		{"missing country", func(r *grievance.Report) { r.Country = "" }, grievance.FieldErrors{"country": "required"}},
		{"country XX", func(r *grievance.Report) { r.Country = "XX" }, grievance.FieldErrors{"country": "invalid_country"}},
		{"country EU", func(r *grievance.Report) { r.Country = "EU" }, grievance.FieldErrors{"country": "invalid_country"}},
		{"country ZZ", func(r *grievance.Report) { r.Country = "ZZ" }, grievance.FieldErrors{"country": "invalid_country"}},
		{"country 419", func(r *grievance.Report) { r.Country = "419" }, grievance.FieldErrors{"country": "invalid_country"}},
		{"country JPN", func(r *grievance.Report) { r.Country = "JPN" }, grievance.FieldErrors{"country": "invalid_country"}},
		{"missing companies", func(r *grievance.Report) { r.Companies = nil }, grievance.FieldErrors{"companies": "required"}},
		{"too many companies", func(r *grievance.Report) {
			r.Companies = make([]grievance.CompanyRef, grievance.DefaultLimits.Companies+1)
			for i := range r.Companies {
				r.Companies[i].MemberID = int64(i + 1)
			}
		}, grievance.FieldErrors{"companies": "too_many"}},
		{"company with neither id nor name", func(r *grievance.Report) { r.Companies = []grievance.CompanyRef{{}} }, grievance.FieldErrors{"companies[0]": "member_or_name"}},
		{"company with blank name", func(r *grievance.Report) {
			r.Companies = []grievance.CompanyRef{{MemberID: 3}, {Name: "   "}}
		}, grievance.FieldErrors{"companies[1]": "member_or_name"}},
		{"company with invalid relation", func(r *grievance.Report) {
			r.Companies = []grievance.CompanyRef{{Name: "A", Relation: "cousin"}}
		}, grievance.FieldErrors{"companies[0].relation": "invalid_code"}},
		{"invalid category", func(r *grievance.Report) {
			r.Categories = []grievance.Category{"forced_labour", "FORCED_LABOUR"}
		}, grievance.FieldErrors{"categories": "invalid_code"}},
		{"invalid vulnerable group", func(r *grievance.Report) {
			r.VulnerableGroups = []grievance.VulnerableGroup{"aliens"}
		}, grievance.FieldErrors{"vulnerable_groups": "invalid_code"}},
		{"invalid channel", func(r *grievance.Report) { r.Channel = "fax" }, grievance.FieldErrors{"channel": "invalid_code"}},
		{"missing channel", func(r *grievance.Report) { r.Channel = "" }, grievance.FieldErrors{"channel": "invalid_code"}},
		{"invalid reporter type", func(r *grievance.Report) { r.ReporterType = "journalist" }, grievance.FieldErrors{"reporter_type": "invalid_code"}},
		{"invalid urgency", func(r *grievance.Report) { r.Urgency = "soonish" }, grievance.FieldErrors{"urgency": "invalid_code"}},
		{"description at the limit (runes, not bytes)", func(r *grievance.Report) {
			r.Description = strings.Repeat("あ", grievance.DefaultLimits.TextRunes)
		}, nil},
		{"description over the limit", func(r *grievance.Report) {
			r.Description = strings.Repeat("あ", grievance.DefaultLimits.TextRunes+1)
		}, grievance.FieldErrors{"description": "too_long"}},
		{"remedy sought over the limit", func(r *grievance.Report) {
			r.RemedySought = strings.Repeat("x", grievance.DefaultLimits.TextRunes+1)
		}, grievance.FieldErrors{"remedy_sought": "too_long"}},
		{"site over the limit", func(r *grievance.Report) {
			r.Site = strings.Repeat("x", grievance.DefaultLimits.ShortRunes+1)
		}, grievance.FieldErrors{"site": "too_long"}},
		{"people affected -1", func(r *grievance.Report) { r.PeopleAffected = -1 }, grievance.FieldErrors{"people_affected": "out_of_range"}},
		{"people affected over the limit", func(r *grievance.Report) {
			r.PeopleAffected = grievance.DefaultLimits.PeopleAffectedTo + 1
		}, grievance.FieldErrors{"people_affected": "out_of_range"}},
		{"people affected 0 (unknown)", func(r *grievance.Report) { r.PeopleAffected = 0 }, nil},
		{"attachments at the limit", func(r *grievance.Report) {
			for range grievance.DefaultLimits.Attachments {
				r.Attachments = append(r.Attachments, attachment(1))
			}
		}, nil},
		{"too many attachments", func(r *grievance.Report) {
			for range grievance.DefaultLimits.Attachments + 1 {
				r.Attachments = append(r.Attachments, attachment(1))
			}
		}, grievance.FieldErrors{"attachments": "too_many"}},
		{"empty attachment", func(r *grievance.Report) {
			r.Attachments = []grievance.Attachment{{Name: "empty.pdf", ContentType: "application/pdf"}}
		}, grievance.FieldErrors{"attachments[0]": "required"}},
		{"attachment too large", func(r *grievance.Report) {
			r.Attachments = []grievance.Attachment{attachment(1), attachment(grievance.DefaultLimits.AttachmentBytes + 1)}
		}, grievance.FieldErrors{"attachments[1]": "too_large"}},
		{"several problems at once", func(r *grievance.Report) {
			r.Language = ""
			r.Description = "   "
			r.Country = "XX"
			r.Companies = nil
			r.PeopleAffected = -1
			r.Categories = []grievance.Category{"unknown_code"}
			r.Attachments = []grievance.Attachment{{Name: "x"}}
		}, grievance.FieldErrors{
			"language":        "required",
			"description":     "required",
			"country":         "invalid_country",
			"companies":       "required",
			"people_affected": "out_of_range",
			"categories":      "invalid_code",
			"attachments[0]":  "required",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := minimalReport()
			tt.mutate(&r)
			r.Normalize()
			got := r.Validate(grievance.DefaultLimits)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("Validate = %v, want nil", got)
				}
				return
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("Validate = %v, want %v", map[string]string(got), map[string]string(tt.want))
			}
			var err error = got
			if !strings.HasPrefix(err.Error(), "invalid report: ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestReportCountryNormalised(t *testing.T) {
	for _, in := range []string{"jp", " jp ", "Jp", "JP"} {
		r := minimalReport()
		r.Country = in
		r.Normalize()
		if r.Country != "JP" {
			t.Errorf("Normalize(%q): Country = %q, want JP", in, r.Country)
		}
		if fe := r.Validate(grievance.DefaultLimits); fe != nil {
			t.Errorf("country %q: Validate = %v, want nil", in, fe)
		}
	}
}

func TestReportLanguageNormalised(t *testing.T) {
	for in, want := range map[string]string{"ja": "ja", " JA ": "ja", "en_us": "en-US", "pt-br": "pt-BR"} {
		r := minimalReport()
		r.Language = in
		r.Normalize()
		if r.Language != want {
			t.Errorf("Normalize(%q): Language = %q, want %q", in, r.Language, want)
		}
		if fe := r.Validate(grievance.DefaultLimits); fe != nil {
			t.Errorf("language %q: Validate = %v, want nil", in, fe)
		}
	}
}

func TestNormalizeKeepsDescriptionText(t *testing.T) {
	inner := "一行目\n\n  二行目（字下げ）\r\n\tthird line  with  double  spaces"
	r := minimalReport()
	r.Description = "\n \t" + inner + " \n\n"
	r.Normalize()
	// Inner text is kept as typed; only line breaks become LF.
	if want := strings.ReplaceAll(inner, "\r\n", "\n"); r.Description != want {
		t.Errorf("Description = %q, want %q", r.Description, want)
	}
}

func TestNormalizeDefaults(t *testing.T) {
	r := minimalReport()
	r.Relation = "supplier"
	r.Companies = []grievance.CompanyRef{{Name: "  Factory A  "}, {MemberID: 4, Relation: "own_operations"}}
	r.Categories = []grievance.Category{"retaliation", "other", "retaliation"}
	r.VulnerableGroups = []grievance.VulnerableGroup{"child", "child"}
	r.Normalize()
	if r.Companies[0].Name != "Factory A" {
		t.Errorf("company name = %q, want trimmed", r.Companies[0].Name)
	}
	if r.Companies[0].Relation != "supplier" {
		t.Errorf("company without relation got %q, want the report's relation", r.Companies[0].Relation)
	}
	if r.Companies[1].Relation != "own_operations" {
		t.Errorf("company relation overwritten: %q", r.Companies[1].Relation)
	}
	if !slices.Equal(r.Categories, []grievance.Category{"retaliation", "other"}) {
		t.Errorf("Categories = %v, want [retaliation other]", r.Categories)
	}
	if !slices.Equal(r.VulnerableGroups, []grievance.VulnerableGroup{"child"}) {
		t.Errorf("VulnerableGroups = %v, want [child]", r.VulnerableGroups)
	}
	if r.Urgency != "normal" {
		t.Errorf("Urgency = %q, want normal by default", r.Urgency)
	}

	bare := minimalReport()
	bare.Normalize()
	if bare.Relation != "unknown" || bare.Companies[0].Relation != "unknown" {
		t.Errorf("default relation = %q / %q, want unknown", bare.Relation, bare.Companies[0].Relation)
	}
}

func TestNormalizeAnonymousKeepsNoIdentity(t *testing.T) {
	anon := minimalReport()
	anon.Anonymous = true
	anon.ConsentShareIdentity = true
	anon.IdentityName, anon.IdentityContact = "Tanaka", "+81 90 0000 0000"
	anon.Normalize()
	if anon.ConsentShareIdentity || anon.IdentityName != "" || anon.IdentityContact != "" {
		t.Errorf("anonymous report keeps identity: consent=%v name=%q contact=%q", anon.ConsentShareIdentity, anon.IdentityName, anon.IdentityContact)
	}

	named := minimalReport()
	named.Anonymous = false
	named.IdentityName = "Tanaka"
	named.ConsentShareIdentity = true
	named.Normalize()
	if !named.ConsentShareIdentity || named.IdentityName != "Tanaka" {
		t.Error("named report lost the reporter's name or consent")
	}
}

// iso3166 are the 249 officially assigned ISO 3166-1 alpha-2 codes.
const iso3166 = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
`

// TestValidCountryIsExactlyISO3166 tries every two-letter code: the assigned ones are valid, and
// every other one (groupings such as EU, EZ, UN; reserved codes such as UK, AC, TA; withdrawn
// codes such as SU, YU, AN; private-use codes) is not. XK (Kosovo, user-assigned but in common
// use, e.g. by the EU) is tolerated either way.
func TestValidCountryIsExactlyISO3166(t *testing.T) {
	assigned := map[string]bool{}
	for _, c := range strings.Fields(iso3166) {
		assigned[c] = true
	}
	if len(assigned) != 249 {
		t.Fatalf("test table has %d codes, want 249", len(assigned))
	}
	var wronglyRefused, wronglyAccepted []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if code == "XK" {
				continue
			}
			got := grievance.ValidCountry(code)
			switch {
			case assigned[code] && !got:
				wronglyRefused = append(wronglyRefused, code)
			case !assigned[code] && got:
				wronglyAccepted = append(wronglyAccepted, code)
			}
		}
	}
	if len(wronglyRefused) > 0 {
		t.Errorf("assigned ISO 3166-1 codes refused: %v", wronglyRefused)
	}
	if len(wronglyAccepted) > 0 {
		t.Errorf("codes that are not assigned ISO 3166-1 countries accepted: %v", wronglyAccepted)
	}
	for _, bad := range []string{"", "jp", "J", "JPN", "419", "001", "J1"} {
		if grievance.ValidCountry(bad) {
			t.Errorf("ValidCountry(%q) = true", bad)
		}
	}
}

func TestNormalizeTurnsBrowserLineBreaksIntoLF(t *testing.T) {
	r := grievance.Report{Description: "line one\r\nline two\rline three\n", RemedySought: "a\r\nb"}
	r.Normalize()
	if r.Description != "line one\nline two\nline three" || r.RemedySought != "a\nb" {
		t.Fatalf("description %q, remedy %q", r.Description, r.RemedySought)
	}
}

func TestValidateHistoricAllowsOnlyUnrecordedChannelAndCountry(t *testing.T) {
	r := minimalReport()
	r.Normalize()
	r.Channel, r.Country = grievance.ChannelUnrecorded, grievance.UnrecordedCountry
	if fe := r.Validate(grievance.DefaultLimits); fe["channel"] == "" || fe["country"] == "" {
		t.Errorf("live validation accepted unrecorded values: %v", fe)
	}
	if fe := r.ValidateHistoric(grievance.DefaultLimits); fe != nil {
		t.Errorf("historic validation refused unrecorded values: %v", fe)
	}
	r.Channel, r.Country = "fax", "XX"
	fe := r.ValidateHistoric(grievance.DefaultLimits)
	if fe["channel"] != "invalid_code" || fe["country"] != "invalid_country" {
		t.Errorf("historic validation let other unknown codes through: %v", fe)
	}
}
