package grievance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The code lists of DESIGN.md sections 3 and 4, transcribed by hand. The package may extend a
// list, never drop a code from it.
var (
	designCategories = []string{
		"forced_labour", "child_labour", "discrimination", "harassment_violence",
		"freedom_of_association", "occupational_safety_health", "wages_benefits", "working_hours",
		"recruitment_migrant_workers", "land_livelihoods", "environment_health", "privacy_data_ai",
		"indigenous_peoples", "human_rights_defenders", "retaliation", "other",
	}
	// designInstruments are the instruments DESIGN names for a category.
	designInstruments = map[string][]string{
		"forced_labour":               {"C29", "C105"},
		"child_labour":                {"C138", "C182"},
		"discrimination":              {"C100", "C111"},
		"harassment_violence":         {"C190"},
		"freedom_of_association":      {"C87", "C98"},
		"occupational_safety_health":  {"C155", "C187"},
		"recruitment_migrant_workers": {"C181"},
	}
	designRelations = []string{
		"own_operations", "group_company", "supplier", "supplier_deeper", "business_partner",
		"customer_use", "unknown",
	}
	designNotAcceptedReasons = []string{
		"not_human_rights", "no_link_to_member", "insufficient_information", "duplicate",
		"other_proceedings", "outside_mandate", "abusive",
	}
	designOutcomes = []string{
		"resolved", "partially_resolved", "not_resolved", "not_substantiated", "withdrawn",
		"lost_contact", "referred_elsewhere",
	}
	designRemedyTypes = []string{
		"apology", "restitution", "rehabilitation", "financial_compensation",
		"non_financial_compensation", "sanctions", "non_repetition", "policy_change", "reinstatement",
	}
	designChannels      = []string{"web", "api", "phone", "email", "letter", "in_person", "member_desk"}
	designReporterTypes = []string{"affected_person", "representative", "union", "ngo", "other"}
	// DESIGN lists these vulnerable groups and ends with "…".
	designVulnerableGroups = []string{"migrant", "child", "women", "indigenous"}
)

func TestInstrumentsCoverExactlyTheCategories(t *testing.T) {
	for _, c := range grievance.Categories {
		if len(grievance.Instruments[c]) == 0 {
			t.Errorf("category %q has no instrument", c)
		}
		for _, in := range grievance.Instruments[c] {
			if strings.TrimSpace(in) == "" {
				t.Errorf("category %q has a blank instrument", c)
			}
		}
	}
	for c := range grievance.Instruments {
		if !slices.Contains(grievance.Categories, c) {
			t.Errorf("Instruments has %q, which is not in Categories", c)
		}
	}
	if len(grievance.Instruments) != len(grievance.Categories) {
		t.Errorf("%d categories but %d instrument entries", len(grievance.Categories), len(grievance.Instruments))
	}
}

func TestInstrumentsNamedInDesign(t *testing.T) {
	for cat, codes := range designInstruments {
		list := grievance.Instruments[grievance.Category(cat)]
		for _, code := range codes {
			found := false
			for _, in := range list {
				// "ILO C29", not "ILO C290".
				if in == "ILO "+code || strings.HasSuffix(in, " "+code) || in == code {
					found = true
				}
			}
			if !found {
				t.Errorf("category %s: instrument %s missing from %v", cat, code, list)
			}
		}
	}
}

// checkCodeList checks that every DESIGN code is in list and valid, the list has no duplicates and
// no blank codes, and that invalid strings are refused.
func checkCodeList[T ~string](t *testing.T, name string, list []T, valid func(T) bool, design []string) {
	t.Run(name, func(t *testing.T) {
		for _, code := range design {
			if !slices.Contains(list, T(code)) {
				t.Errorf("DESIGN code %q missing from the list", code)
			}
			if !valid(T(code)) {
				t.Errorf("DESIGN code %q is not Valid()", code)
			}
		}
		seen := map[T]bool{}
		for _, code := range list {
			if seen[code] {
				t.Errorf("duplicate code %q", code)
			}
			seen[code] = true
			if strings.TrimSpace(string(code)) == "" || string(code) != strings.ToLower(string(code)) {
				t.Errorf("code %q is blank or not lower case", code)
			}
			if !valid(code) {
				t.Errorf("listed code %q is not Valid()", code)
			}
		}
		bad := []string{"", "FORCED_LABOUR", "unknown_code", " ", "Other"}
		if len(design) > 0 {
			bad = append(bad, strings.ToUpper(design[0]), " "+design[0], design[0]+" ")
		}
		for _, b := range bad {
			if valid(T(b)) {
				t.Errorf("Valid(%q) = true", b)
			}
		}
	})
}

func TestCodeLists(t *testing.T) {
	checkCodeList(t, "categories", grievance.Categories, grievance.Category.Valid, designCategories)
	checkCodeList(t, "relations", grievance.Relations, grievance.Relation.Valid, designRelations)
	checkCodeList(t, "not_accepted_reasons", grievance.NotAcceptedReasons, grievance.NotAcceptedReason.Valid, designNotAcceptedReasons)
	checkCodeList(t, "outcomes", grievance.Outcomes, grievance.Outcome.Valid, designOutcomes)
	checkCodeList(t, "remedy_types", grievance.RemedyTypes, grievance.RemedyType.Valid, designRemedyTypes)
	checkCodeList(t, "channels", grievance.Channels, grievance.Channel.Valid, designChannels)
	checkCodeList(t, "reporter_types", grievance.ReporterTypes, grievance.ReporterType.Valid, designReporterTypes)
	checkCodeList(t, "vulnerable_groups", grievance.VulnerableGroups, grievance.VulnerableGroup.Valid, designVulnerableGroups)
	checkCodeList(t, "contact_channels", grievance.ContactChannels, grievance.ContactChannel.Valid, nil)
	checkCodeList(t, "urgencies", grievance.Urgencies, grievance.Urgency.Valid, []string{"normal"})
}

func TestCategoriesInDesignOrder(t *testing.T) {
	// Categories is the display order; DESIGN's categories keep DESIGN's relative order.
	var got []string
	for _, c := range grievance.Categories {
		if slices.Contains(designCategories, string(c)) {
			got = append(got, string(c))
		}
	}
	if !slices.Equal(got, designCategories) {
		t.Errorf("categories order = %v, want %v", got, designCategories)
	}
}

func TestRoleStaff(t *testing.T) {
	staff := map[grievance.Role]bool{"handler": true, "admin": true, "member": true, "expert": true, "panel": true}
	for _, r := range designRoles {
		if got := r.IsStaffRole(); got != staff[r] {
			t.Errorf("Role(%q).IsStaffRole() = %v, want %v", r, got, staff[r])
		}
	}
	if grievance.Role("root").IsStaffRole() {
		t.Error("unknown role is a staff role")
	}
}
