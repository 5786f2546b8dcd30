package history

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuiltinConsoleMappingLoads(t *testing.T) {
	if !slices.Contains(BuiltinMappings(), "accountability-console") {
		t.Fatalf("built-in mappings: %v", BuiltinMappings())
	}
	m, err := LoadMapping("accountability-console")
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "accountability-console" || len(m.Phases) != 5 || m.FallbackDate != "2018-06-18" {
		t.Fatalf("mapping %+v", m)
	}
}

func TestParseMappingRefusesWhatIsNotOurs(t *testing.T) {
	base := func() map[string]any {
		var m map[string]any
		data, _ := builtins.ReadFile("mappings/accountability-console.json")
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	set := func(m map[string]any, path string, v any) {
		keys := strings.Split(path, ".")
		cur := m
		for _, k := range keys[:len(keys)-1] {
			cur = cur[k].(map[string]any)
		}
		cur[keys[len(keys)-1]] = v
	}
	tests := []struct{ path, want string }{
		{"categories.values.Labor", "not a category"},
		{"reasons.values.Unknown", "neither a not-accepted reason"},
		{"status.values.Active", "neither received, open, closed nor an outcome"},
		{"country.values.Gaza", "not a country code"},
		{"phase_statuses.in_progress", "not one of"},
		{"defaults.relation", "not a relation"},
		{"defaults.channel", "not a channel"},
		{"fallback_date", "YYYY-MM-DD"},
		{"surprise", "unknown field"},
	}
	for _, tc := range tests {
		m := base()
		switch tc.path {
		case "categories.values.Labor":
			set(m, tc.path, []string{"labour"})
		default:
			set(m, tc.path, "nonsense")
		}
		data, _ := json.Marshal(m)
		if _, err := ParseMapping(data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s = nonsense: %v, want an error saying %q", tc.path, err, tc.want)
		}
	}
	m := base()
	set(m, "status.values.active", "open") // "Active" is there already
	data, _ := json.Marshal(m)
	if _, err := ParseMapping(data); err == nil || !strings.Contains(err.Error(), "the same value") {
		t.Errorf("two spellings of one status: %v", err)
	}
}

func TestSplitItemsKeepsParentheses(t *testing.T) {
	got := splitItems(" Energy, Extractives (oil, gas, mining) ,, Other", ",")
	want := []string{"Energy", "Extractives (oil, gas, mining)", "Other"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := splitItems("  ", ","); got != nil {
		t.Fatalf("blank cell: %q", got)
	}
}

func TestDatesAreCalendarDaysAtNoon(t *testing.T) {
	m, _ := LoadMapping("accountability-console")
	tb := &table{m: m, zone: tokyo}
	for in, want := range map[string]string{
		"8/20/98":    "1998-08-20", // two-digit years from 94 are the 1990s…
		"1/1/94":     "1994-01-01",
		"5/2/13":     "2013-05-02", // …and the rest this century
		"6/18/18":    "2018-06-18",
		"12/31/00":   "2000-12-31",
		"2013-05-02": "2013-05-02",
	} {
		got, err := tb.parseDate(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got.Location() != tokyo || got.Hour() != 12 || got.Format(time.DateOnly) != want {
			t.Errorf("%s → %v, want %s 12:00 in Asia/Tokyo", in, got, want)
		}
	}
	for _, bad := range []string{"13/45/12", "2/30/15", "soon", "31.12.2015"} {
		if _, err := tb.parseDate(bad); err == nil {
			t.Errorf("%q parsed as a date", bad)
		}
	}
}

func TestCountriesByNameAndAlias(t *testing.T) {
	m, _ := LoadMapping("accountability-console")
	tb, err := m.bind(consoleHeader, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"Peru":                         "PE", // CLDR's English name
		"Trinidad and Tobago":          "TT", // CLDR says "Trinidad & Tobago"
		"Côte d’Ivoire":                "CI",
		"Kyrgyz Republic":              "KG", // the mapping's aliases
		"Gaza, Israel, Jordan":         "PS", // several: the first is the case's
		"Democratic Republic of Congo": "CD",
		"Republic of Congo":            "CG",
		"Kosovo":                       "XK",
		"":                             "ZZ",
		"Unknown":                      "ZZ",
		"MENA region":                  "ZZ",
		"Regional, Ghana":              "GH", // a region names no country: the first that does
	} {
		got, err := tb.countryOf(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %s", in, got, err, want)
		}
	}
	if _, err := tb.countryOf("Atlantis"); err == nil || strings.Contains(err.Error(), "Atlantis") {
		t.Errorf("an unknown country: %v (the error names the column, not the value)", err)
	}
}

var consoleHeader = []string{"Complaint Name", "Project", "Country", "IAM", "Bank", "External ID", "Status", "Filer", "IFI Support", "Sector",
	"Issues", "Description", "Compliance Report Issued", "Non-Compliance Found", "Filing Date", "Registration Start", "Registration End",
	"Registration Status", "If no Registration, why?", "Eligibility Start", "Eligibility End", "Eligibility Status", "If No Eligibility, Why?",
	"Dispute Resolution Start", "Dispute Resolution End", "Dispute Resolution Status", "If No DR, Why?", "Compliance Review Start",
	"Compliance Review End", "Compliance Review Status", "If No CR, Why?", "Monitoring Start", "Monitoring End", "Monitoring Status",
	"If No Monitoring, Why?", "Date Closed"}

func TestBindNamesEveryMissingColumn(t *testing.T) {
	m, _ := LoadMapping("accountability-console")
	header := slices.DeleteFunc(slices.Clone(consoleHeader), func(h string) bool { return h == "Status" || h == "Issues" })
	_, err := m.bind(header, tokyo)
	if err == nil || !strings.Contains(err.Error(), `"Status"`) || !strings.Contains(err.Error(), `"Issues"`) {
		t.Fatalf("bind without Status and Issues: %v", err)
	}
}

// The row key ignores columns the mapping does not read (a rejects file's reason column) and
// the spaces around values, and changes with any value it reads.
func TestRowKey(t *testing.T) {
	m, _ := LoadMapping("accountability-console")
	tb, _ := m.bind(consoleHeader, tokyo)
	withReason, _ := m.bind(append(slices.Clone(consoleHeader), RejectsColumn), tokyo)
	row := make([]string, len(consoleHeader))
	row[0], row[6], row[14] = "Name", "Active", "1/2/15"
	k := tb.key(row)
	if len(k) != 64 {
		t.Fatalf("key %q", k)
	}
	if got := withReason.key(append(slices.Clone(row), "column \"Issues\": item 1 …")); got != k {
		t.Fatal("the rejects file's reason column changed the key")
	}
	spaced := slices.Clone(row)
	spaced[0] = "  Name "
	if tb.key(spaced) != k {
		t.Fatal("spaces around a value changed the key")
	}
	changed := slices.Clone(row)
	changed[14] = "1/3/15"
	if tb.key(changed) == k {
		t.Fatal("a changed date kept the key")
	}
}
