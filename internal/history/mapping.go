// Package history imports past cases from a spreadsheet (CSV) through a column mapping, so that a
// secretariat moving off spreadsheets keeps its history. The mapping (JSON, docs/import.md) says
// which columns give which of our fields and how their values translate to our codes; the rules
// that turn the source's phases into our stage moves are Go code (rules.go).
package history

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Mapping says how the columns of a CSV file become cases.
type Mapping struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Source names the origin under which imported rows are remembered (default: Name). Rows
	// already imported from the same source are skipped.
	Source string `json:"source,omitempty"`
	// DateLayouts are Go time layouts ("1/2/06", "2006-01-02"), tried in order. Dates are calendar
	// days, placed at noon in the platform's zone.
	DateLayouts []string `json:"date_layouts"`
	// TwoDigitYearsFrom places a two-digit year in the century starting at this year: with 1994,
	// "94" is 1994 and "93" is 2093.
	TwoDigitYearsFrom int `json:"two_digit_years_from,omitempty"`
	// FallbackDate (YYYY-MM-DD) is when a row without any date is taken as received.
	FallbackDate string `json:"fallback_date,omitempty"`
	// KeyColumns identify a row across imports; when empty, a row is identified by a SHA-256 of
	// the values of every column the mapping reads.
	KeyColumns []string `json:"key_columns,omitempty"`
	Defaults   Defaults `json:"defaults"`

	Received     string `json:"received"`               // column of the date received (filed)
	Acknowledged string `json:"acknowledged,omitempty"` // column of the date acknowledged, if any
	Closed       string `json:"closed,omitempty"`       // column of the date closed, if any

	Status             CodeField    `json:"status"`
	Outcome            *CodeField   `json:"outcome,omitempty"` // when the status only says "closed"
	NonComplianceFound *CodeField   `json:"non_compliance_found,omitempty"`
	Country            CountryField `json:"country"`
	Categories         ListField    `json:"categories"`
	// Company lists columns naming the company concerned; the first that is not blank is used.
	Company []string `json:"company"`
	// Narrative lists the columns whose labelled values make the case's description (sealed).
	Narrative []string `json:"narrative"`

	Phases        []PhaseColumns    `json:"phases"`
	PhaseStatuses map[string]string `json:"phase_statuses,omitempty"`
	Reasons       ListCodes         `json:"reasons"`
}

// Defaults fill the fields a source does not record.
type Defaults struct {
	Language     string `json:"language"`
	Channel      string `json:"channel"`
	ReporterType string `json:"reporter_type"`
	Relation     string `json:"relation"`
}

// CodeField maps one column's values to codes.
type CodeField struct {
	Column string            `json:"column"`
	Values map[string]string `json:"values"`
}

// CountryField maps a column naming one or more countries to ISO codes.
type CountryField struct {
	Column    string `json:"column"`
	Separator string `json:"separator,omitempty"` // several countries in one cell
	// Names "english" also takes every country's English name (CLDR) as Values does.
	Names  string            `json:"names,omitempty"`
	Values map[string]string `json:"values"`
}

// ListField maps a column holding several values to lists of codes.
type ListField struct {
	Column    string              `json:"column"`
	Separator string              `json:"separator,omitempty"`
	Values    map[string][]string `json:"values"`
}

// ListCodes maps the items of the phases' "why" cells to codes.
type ListCodes struct {
	Separator string            `json:"separator,omitempty"`
	Values    map[string]string `json:"values"`
}

// PhaseColumns names the columns of one phase of the source's process.
type PhaseColumns struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Start  string `json:"start,omitempty"`
	End    string `json:"end,omitempty"`
	Status string `json:"status,omitempty"`
	Why    string `json:"why,omitempty"`
}

//go:embed mappings/*.json
var builtins embed.FS

// BuiltinMappings lists the mappings built into the program.
func BuiltinMappings() []string {
	entries, _ := builtins.ReadDir("mappings")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	return names
}

// LoadMapping returns the built-in mapping of that name, or reads the JSON file at that path.
func LoadMapping(nameOrPath string) (*Mapping, error) {
	if slices.Contains(BuiltinMappings(), nameOrPath) {
		data, err := builtins.ReadFile(path.Join("mappings", nameOrPath+".json"))
		if err != nil {
			return nil, err
		}
		return ParseMapping(data)
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w (built-in mappings: %s)", err, strings.Join(BuiltinMappings(), ", "))
	}
	return ParseMapping(data)
}

// ParseMapping reads a mapping and checks that every code it names is one of ours.
func ParseMapping(data []byte) (*Mapping, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	m := &Mapping{}
	if err := dec.Decode(m); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if m.Source == "" {
		m.Source = m.Name
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mapping) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(m.Source) == "" {
		bad("name is required")
	}
	if len(m.DateLayouts) == 0 {
		bad("date_layouts: at least one layout is required")
	}
	if m.FallbackDate != "" {
		if _, err := time.Parse(time.DateOnly, m.FallbackDate); err != nil {
			bad("fallback_date: want YYYY-MM-DD")
		}
	}
	if m.Received == "" {
		bad("received: a column is required")
	}
	if _, err := language.Parse(m.Defaults.Language); err != nil {
		bad("defaults.language: %q is not a language tag", m.Defaults.Language)
	}
	if ch := grievance.Channel(m.Defaults.Channel); !ch.Valid() && ch != grievance.ChannelUnrecorded {
		bad("defaults.channel: %q is not a channel", m.Defaults.Channel)
	}
	if rt := grievance.ReporterType(m.Defaults.ReporterType); rt != "" && !rt.Valid() {
		bad("defaults.reporter_type: %q is not a reporter type", m.Defaults.ReporterType)
	}
	if !grievance.Relation(m.Defaults.Relation).Valid() {
		bad("defaults.relation: %q is not a relation", m.Defaults.Relation)
	}
	if m.Status.Column == "" {
		bad("status.column is required")
	}
	for v, code := range m.Status.Values {
		if code != StatusReceived && code != StatusOpen && code != StatusClosed && !grievance.Outcome(code).Valid() {
			bad("status.values[%q]: %q is neither received, open, closed nor an outcome", v, code)
		}
	}
	if f := m.Outcome; f != nil {
		for v, code := range f.Values {
			if code != "" && !grievance.Outcome(code).Valid() {
				bad("outcome.values[%q]: %q is not an outcome", v, code)
			}
		}
	}
	if f := m.NonComplianceFound; f != nil {
		for v, code := range f.Values {
			if code != "yes" && code != "no" && code != "" {
				bad("non_compliance_found.values[%q]: want yes, no or empty", v)
			}
		}
	}
	if m.Country.Column == "" {
		bad("country.column is required")
	}
	if m.Country.Names != "" && m.Country.Names != "english" {
		bad("country.names: only \"english\" is known")
	}
	for v, code := range m.Country.Values {
		if !grievance.ValidCountry(code) && code != grievance.UnrecordedCountry {
			bad("country.values[%q]: %q is not a country code", v, code)
		}
	}
	for v, codes := range m.Categories.Values {
		for _, c := range codes {
			if !grievance.Category(c).Valid() {
				bad("categories.values[%q]: %q is not a category", v, c)
			}
		}
	}
	if len(m.Company) == 0 {
		bad("company: at least one column is required")
	}
	if len(m.Narrative) == 0 {
		bad("narrative: at least one column is required")
	}
	names := map[string]bool{}
	for i, ph := range m.Phases {
		if ph.Name == "" || names[ph.Name] {
			bad("phases[%d]: a unique name is required", i)
		}
		names[ph.Name] = true
		if !slices.Contains(PhaseKinds, PhaseKind(ph.Kind)) {
			bad("phases[%d].kind: %q is not one of %v", i, ph.Kind, PhaseKinds)
		}
		if ph.Start == "" && ph.End == "" && ph.Status == "" {
			bad("phases[%d]: name at least one of start, end, status", i)
		}
	}
	for v, st := range m.PhaseStatuses {
		if !slices.Contains(PhaseStates, PhaseState(st)) {
			bad("phase_statuses[%q]: %q is not one of %v", v, st, PhaseStates)
		}
	}
	for v, code := range m.Reasons.Values {
		if code != ReasonWithdrawn && code != ReasonUnrecorded && !grievance.NotAcceptedReason(code).Valid() {
			bad("reasons.values[%q]: %q is neither a not-accepted reason, withdrawn nor unrecorded", v, code)
		}
	}
	// Two spellings of one value must not map differently.
	var outcomes []string
	if m.Outcome != nil {
		outcomes = mapKeys(m.Outcome.Values)
	}
	for field, keys := range map[string][]string{"status": mapKeys(m.Status.Values), "outcome": outcomes, "country": mapKeys(m.Country.Values),
		"categories": mapKeys(m.Categories.Values), "phase_statuses": mapKeys(m.PhaseStatuses), "reasons": mapKeys(m.Reasons.Values)} {
		seen := map[string]string{}
		for _, k := range keys {
			if other, dup := seen[fold(k)]; dup {
				bad("%s: %q and %q are the same value", field, other, k)
			}
			seen[fold(k)] = k
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("mapping %s: %w", m.Name, errors.Join(errs...))
	}
	return nil
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// fold is how cells are matched against a mapping's values: case, surrounding and repeated
// spaces, and "&" against "and" do not matter.
func fold(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	return strings.Join(strings.Fields(s), " ")
}

// splitItems splits a cell at sep, except inside parentheses ("Extractives (oil, gas, mining)"
// is one item). Blank items are dropped.
func splitItems(cell, sep string) []string {
	if sep == "" {
		if blank(cell) {
			return nil
		}
		return []string{strings.TrimSpace(cell)}
	}
	var items []string
	depth, startAt := 0, 0
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	for i := 0; i < len(cell); i++ {
		switch {
		case cell[i] == '(':
			depth++
		case cell[i] == ')' && depth > 0:
			depth--
		case depth == 0 && strings.HasPrefix(cell[i:], sep):
			add(cell[startAt:i])
			startAt = i + len(sep)
			i += len(sep) - 1
		}
	}
	add(cell[startAt:])
	return items
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
