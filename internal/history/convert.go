package history

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// table is a mapping bound to one file's header.
type table struct {
	m        *Mapping
	header   []string
	zone     *time.Location
	fallback Date

	received, acknowledged, closed int // -1: not mapped
	status, outcome, nonCompliance int
	country, categories            int
	company, narrative             []int
	phases                         []boundPhase
	keyColumns                     []int // the key columns, or every column read (hashed)
	hashKey                        bool

	statuses, outcomes, compliance, phaseStatuses, reasons, countries map[string]string
	categoryCodes                                                     map[string][]string
}

type boundPhase struct {
	PhaseColumns
	start, end, status, why int
}

// bind finds the mapping's columns in header; every column it names must be there.
func (m *Mapping) bind(header []string, zone *time.Location) (*table, error) {
	index := map[string]int{}
	for i, h := range header {
		if _, dup := index[fold(h)]; !dup {
			index[fold(h)] = i
		}
	}
	var missing []string
	read := map[int]bool{}
	col := func(name string) int {
		if name == "" {
			return -1
		}
		i, ok := index[fold(name)]
		if !ok {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
			return -1
		}
		read[i] = true
		return i
	}
	cols := func(names []string) []int {
		out := make([]int, 0, len(names))
		for _, n := range names {
			if i := col(n); i >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	t := &table{m: m, header: header, zone: zone,
		received: col(m.Received), acknowledged: col(m.Acknowledged), closed: col(m.Closed),
		status: col(m.Status.Column), outcome: -1, nonCompliance: -1, country: col(m.Country.Column), categories: col(m.Categories.Column),
		company: cols(m.Company), narrative: cols(m.Narrative),
		statuses: foldMap(m.Status.Values), phaseStatuses: foldMap(m.PhaseStatuses), reasons: foldMap(m.Reasons.Values),
		countries: foldMap(m.Country.Values), categoryCodes: foldMap(m.Categories.Values),
	}
	if f := m.NonComplianceFound; f != nil {
		t.nonCompliance, t.compliance = col(f.Column), foldMap(f.Values)
	}
	if f := m.Outcome; f != nil {
		t.outcome, t.outcomes = col(f.Column), foldMap(f.Values)
	}
	if m.Country.Names == "english" {
		for name, code := range englishCountryNames() {
			if _, ok := t.countries[name]; !ok {
				t.countries[name] = code
			}
		}
	}
	for _, ph := range m.Phases {
		t.phases = append(t.phases, boundPhase{PhaseColumns: ph, start: col(ph.Start), end: col(ph.End), status: col(ph.Status), why: col(ph.Why)})
	}
	if len(m.KeyColumns) > 0 {
		t.keyColumns = cols(m.KeyColumns)
	} else {
		t.hashKey = true
		for i := range read {
			t.keyColumns = append(t.keyColumns, i)
		}
		slices.Sort(t.keyColumns)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the file has no column %s that mapping %s reads", quoteList(missing), m.Name)
	}
	if m.FallbackDate != "" {
		d, _ := time.Parse(time.DateOnly, m.FallbackDate)
		t.fallback = Date{At: noon(d.Year(), d.Month(), d.Day(), zone), From: "the fallback date"}
	}
	return t, nil
}

// key identifies a row across imports: its key columns, or a SHA-256 of the values of every
// column the mapping reads (so a column it ignores, such as a rejects file's reason, does not
// change it).
func (t *table) key(cells []string) string {
	if !t.hashKey {
		parts := make([]string, len(t.keyColumns))
		for i, c := range t.keyColumns {
			parts[i] = strings.TrimSpace(cells[c])
		}
		return strings.Join(parts, " | ")
	}
	h := sha256.New()
	var n [8]byte
	for _, c := range t.keyColumns {
		for _, s := range []string{fold(t.header[c]), strings.TrimSpace(cells[c])} {
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// convert turns one row into a case with its history, and the adjustments that took. Its errors
// name columns, never a cell's content.
func (t *table) convert(cells []string) (store.HistoricCase, []string, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	cell := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}

	rec := Record{Fallback: t.fallback}
	date := func(i int) Date {
		if i < 0 {
			return Date{}
		}
		d := Date{From: t.header[i]}
		if v := cell(i); v != "" {
			at, err := t.parseDate(v)
			if err != nil {
				bad("column %q is not a date in the mapping's layouts", t.header[i])
				return d
			}
			d.At = at
			rec.Dates = append(rec.Dates, d)
		}
		return d
	}
	rec.Received, rec.Acknowledged, rec.Closed = date(t.received), date(t.acknowledged), date(t.closed)
	rec.StatusText = cell(t.status)
	status, ok := t.statuses[fold(rec.StatusText)]
	if !ok {
		bad("column %q has a value the mapping does not list", t.header[t.status])
	}
	rec.Status = status
	if t.outcome >= 0 {
		if rec.Outcome, ok = t.outcomes[fold(cell(t.outcome))]; !ok {
			bad("column %q has a value the mapping does not list", t.header[t.outcome])
		}
	}
	if t.nonCompliance >= 0 {
		if rec.NonComplianceFound, ok = t.compliance[fold(cell(t.nonCompliance))]; !ok {
			bad("column %q has a value the mapping does not list", t.header[t.nonCompliance])
		}
	}
	for _, bp := range t.phases {
		ph := Phase{Name: bp.Name, Kind: PhaseKind(bp.Kind), Start: date(bp.start), End: date(bp.end), Why: cell(bp.why)}
		if bp.status >= 0 {
			st, ok := t.phaseStatuses[fold(cell(bp.status))]
			if !ok {
				bad("column %q has a value the mapping does not list", t.header[bp.status])
			}
			ph.State = PhaseState(st)
		}
		if ph.Kind == KindScreening && bp.why >= 0 {
			items := splitItems(ph.Why, t.m.Reasons.Separator)
			if len(items) == 0 {
				items = []string{""}
			}
			for k, item := range items {
				code, ok := t.reasons[fold(item)]
				if !ok {
					bad("column %q: item %d is not among the mapping's reasons", t.header[bp.why], k+1)
				}
				ph.WhyCodes = append(ph.WhyCodes, code)
			}
		}
		rec.Phases = append(rec.Phases, ph)
	}

	r := grievance.Report{
		Channel:      grievance.Channel(t.m.Defaults.Channel),
		Language:     t.m.Defaults.Language,
		ReporterType: grievance.ReporterType(t.m.Defaults.ReporterType),
		Relation:     grievance.Relation(t.m.Defaults.Relation),
	}
	var err error
	if r.Country, err = t.countryOf(cell(t.country)); err != nil {
		errs = append(errs, err)
	}
	if r.Categories, err = t.categoriesOf(cell(t.categories)); err != nil {
		errs = append(errs, err)
	}
	for _, c := range t.company {
		if v := cell(c); v != "" {
			r.Companies = []grievance.CompanyRef{{Name: v, Relation: r.Relation}}
			break
		}
	}
	if len(r.Companies) == 0 {
		bad("no company: the columns %s are blank", quoteList(t.m.Company))
	}
	var narrative strings.Builder
	for _, c := range t.narrative {
		if v := cell(c); v != "" {
			fmt.Fprintf(&narrative, "%s: %s\n", strings.TrimSpace(t.header[c]), v)
		}
	}
	r.Description = narrative.String()
	if blank(r.Description) {
		bad("no narrative: the columns %s are blank", quoteList(t.m.Narrative))
	}
	if len(errs) > 0 {
		return store.HistoricCase{}, nil, errors.Join(errs...)
	}

	plan, err := PlanRecord(rec)
	if err != nil {
		return store.HistoricCase{}, nil, err
	}
	r.ReceivedAt = plan.Received
	r.Normalize()
	return caseOf(r, plan), plan.Notes, nil
}

// caseOf is the store's form of a planned history. Every move is a handler's: the secretariat
// records the history it inherited.
func caseOf(r grievance.Report, plan Plan) store.HistoricCase {
	hc := store.HistoricCase{Report: r}
	var ref *store.HistoricReferral
	for _, m := range plan.Moves {
		if !m.Referral {
			hc.Events = append(hc.Events, store.HistoricEvent{To: grievance.CaseStage(m.To), At: m.At, Code: m.Code,
				Role: grievance.RoleHandler, Reason: m.Reason})
			if m.To == string(grievance.CaseAccepted) && ref == nil {
				hc.Referrals = []store.HistoricReferral{{CompanyIndex: 0}}
				ref = &hc.Referrals[0]
			}
			continue
		}
		ref.Events = append(ref.Events, store.HistoricReferralEvent{To: grievance.ReferralStage(m.To), At: m.At,
			Outcome: grievance.Outcome(m.Code), Role: grievance.RoleHandler, Reason: m.Reason})
		if m.To == string(grievance.ReferralRemedyAgreed) {
			// The source says a remedy was agreed, never which.
			ref.RemedyTypes = []grievance.RemedyType{grievance.RemedyUnrecorded}
		}
	}
	return hc
}

// countryOf is the case's country: the first item that names one, else grievance.UnrecordedCountry
// (blank, unknown and regional values map to it).
func (t *table) countryOf(v string) (string, error) {
	items := splitItems(v, t.m.Country.Separator)
	if len(items) == 0 {
		items = []string{""}
	}
	country := ""
	for k, item := range items {
		code, ok := t.countries[fold(item)]
		if !ok {
			return "", fmt.Errorf("column %q: item %d is not a country the mapping knows", t.header[t.country], k+1)
		}
		if country == "" && code != grievance.UnrecordedCountry {
			country = code
		}
	}
	if country == "" {
		country = grievance.UnrecordedCountry
	}
	return country, nil
}

func (t *table) categoriesOf(v string) ([]grievance.Category, error) {
	if t.categories < 0 {
		return nil, nil
	}
	items := splitItems(v, t.m.Categories.Separator)
	if len(items) == 0 {
		items = []string{""}
	}
	var out []grievance.Category
	for k, item := range items {
		codes, ok := t.categoryCodes[fold(item)]
		if !ok {
			return nil, fmt.Errorf("column %q: item %d is not in the mapping's categories", t.header[t.categories], k+1)
		}
		for _, c := range codes {
			out = append(out, grievance.Category(c))
		}
	}
	return out, nil
}

// parseDate reads a calendar day in one of the mapping's layouts and places it at noon in the
// platform's zone, so that it stays the same day wherever it is shown.
func (t *table) parseDate(v string) (time.Time, error) {
	for _, layout := range t.m.DateLayouts {
		d, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		y := d.Year()
		if t.m.TwoDigitYearsFrom > 0 && strings.Contains(layout, "06") && !strings.Contains(layout, "2006") {
			from := t.m.TwoDigitYearsFrom
			y = from - from%100 + y%100
			if y < from {
				y += 100
			}
		}
		return noon(y, d.Month(), d.Day(), t.zone), nil
	}
	return time.Time{}, errors.New("not a date")
}

func noon(y int, m time.Month, d int, zone *time.Location) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, zone)
}

// englishCountryNames maps every country's English name (CLDR, folded) to its code.
var englishCountryNames = sync.OnceValue(func() map[string]string {
	names := display.English.Regions()
	out := make(map[string]string, len(grievance.Countries))
	for _, code := range grievance.Countries {
		region, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		if n := names.Name(region); n != "" {
			out[fold(n)] = code
		}
	}
	return out
})

func foldMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[fold(k)] = v
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
