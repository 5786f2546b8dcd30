package transparency

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Disclosure is one member company's figures for one fiscal year.
type Disclosure struct {
	Member     string    // the member's name in the report's language
	FiscalYear int       // named by the year it starts in
	From, To   time.Time // [From, To) in the platform zone
	Received   int       // cases referred to the member that were received in the year
	Sections   []DisclosureSection
	Notes      []string // footnotes, e.g. how the figures are counted

	// Labels are the few words of the spreadsheet that are not data. Their zero value is English;
	// the CSV does not use them, its keys being stable codes.
	Labels DisclosureLabels
}

type DisclosureSection struct {
	Title string
	Rows  []DisclosureRow // every code of the list, in the list's order, zeros included
}

type DisclosureRow struct {
	Code  string // stable code, e.g. "forced_labour"
	Label string // translated label
	Count int
}

// DisclosureLabels translate the spreadsheet's own words; an empty one falls back to English.
type DisclosureLabels struct {
	FiscalYear string // "Fiscal year"
	Period     string // "Period"
	Received   string // "Cases received"
	Count      string // "Cases", the heading of every section's count column
	Notes      string // "Notes"
}

func (l DisclosureLabels) orEnglish() DisclosureLabels {
	or := func(s, english string) string {
		if strings.TrimSpace(s) == "" {
			return english
		}
		return s
	}
	return DisclosureLabels{
		FiscalYear: or(l.FiscalYear, "Fiscal year"),
		Period:     or(l.Period, "Period"),
		Received:   or(l.Received, "Cases received"),
		Count:      or(l.Count, "Cases"),
		Notes:      or(l.Notes, "Notes"),
	}
}

// firstDay and lastDay give the period as people write it: both days included.
func (d Disclosure) firstDay() string { return d.From.Format(time.DateOnly) }
func (d Disclosure) lastDay() string  { return d.To.Add(-time.Nanosecond).Format(time.DateOnly) }

// WriteDisclosureCSV writes the disclosure as CSV (RFC 4180, CRLF) in one rectangular table of
// four columns, so that any CSV reader takes it without options:
//
//	member,<name>,,             a header block of key, value
//	fiscal_year,2025,,
//	period_start,2025-04-01,,   first day of the year
//	period_end,2026-03-31,,     last day of the year, included
//	received,12,,
//	,,,
//	section,code,label,count    then one row per code of every section
//	...
//	,,,
//	note,<text>,,               and the footnotes
//
// The file starts with a UTF-8 byte order mark, without which Excel reads Japanese or Arabic as
// mojibake. Text cells that a spreadsheet would take for a formula are neutralised.
func WriteDisclosureCSV(w io.Writer, d Disclosure) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	out := csv.NewWriter(w)
	out.UseCRLF = true
	record := func(fields ...string) {
		row := make([]string, 4)
		copy(row, fields)
		_ = out.Write(row) // an error of w sticks, and Error reports it after Flush
	}
	record("member", neutralise(d.Member))
	record("fiscal_year", strconv.Itoa(d.FiscalYear))
	record("period_start", d.firstDay())
	record("period_end", d.lastDay())
	record("received", strconv.Itoa(d.Received))
	record()
	record("section", "code", "label", "count")
	for _, s := range d.Sections {
		for _, r := range s.Rows {
			record(neutralise(s.Title), neutralise(r.Code), neutralise(r.Label), strconv.Itoa(r.Count))
		}
	}
	if len(d.Notes) > 0 {
		record()
		for _, n := range d.Notes {
			record("note", neutralise(n))
		}
	}
	out.Flush()
	return out.Error()
}

// neutralise keeps a spreadsheet from running a text cell as a formula (CSV injection): a cell
// starting with = + - @ or a tab or carriage return gets a leading apostrophe, which Excel and
// LibreOffice show as text. Only text from people passes through here; the counts we format
// ourselves stay numbers.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteDisclosureXLSX writes the disclosure as a one-sheet workbook: the member's name as title,
// the fiscal year, period and cases received, then every section as a small table with a bold
// header, then the notes. Counts are numbers, so that the member's own spreadsheets can add them.
func WriteDisclosureXLSX(w io.Writer, d Disclosure) (err error) {
	labels := d.Labels.orEnglish()
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sheet := sheetName(d.Member, d.FiscalYear)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return err
	}

	// Writes collect their first error, so that the layout below reads as the sheet does.
	var failed error
	check := func(err error) {
		if failed == nil {
			failed = err
		}
	}
	cell := func(col, row int) string {
		name, err := excelize.CoordinatesToCellName(col, row)
		check(err)
		return name
	}
	text := func(col, row int, s string, style int) {
		check(f.SetCellStr(sheet, cell(col, row), s))
		if style != 0 {
			check(f.SetCellStyle(sheet, cell(col, row), cell(col, row), style))
		}
	}
	number := func(col, row, n int) {
		check(f.SetCellInt(sheet, cell(col, row), int64(n)))
	}
	widthA, widthB := displayWidth(labels.Count), displayWidth(labels.Count)
	fits := func(col int, s string) {
		if col == 1 {
			widthA = max(widthA, displayWidth(s))
		} else {
			widthB = max(widthB, displayWidth(s))
		}
	}

	row := 1
	text(1, row, d.Member, title)
	row++
	text(1, row, labels.FiscalYear, bold)
	number(2, row, d.FiscalYear)
	fits(1, labels.FiscalYear)
	row++
	period := d.firstDay() + " – " + d.lastDay()
	text(1, row, labels.Period, bold)
	text(2, row, period, 0)
	fits(1, labels.Period)
	fits(2, period)
	row++
	text(1, row, labels.Received, bold)
	number(2, row, d.Received)
	fits(1, labels.Received)
	row++

	for _, s := range d.Sections {
		row++ // a blank row before each table
		text(1, row, s.Title, header)
		text(2, row, labels.Count, header)
		fits(1, s.Title)
		row++
		for _, r := range s.Rows {
			text(1, row, r.Label, 0)
			number(2, row, r.Count)
			fits(1, r.Label)
			fits(2, strconv.Itoa(r.Count))
			row++
		}
	}
	if len(d.Notes) > 0 {
		row++
		text(1, row, labels.Notes, bold)
		row++
		for _, n := range d.Notes {
			// Notes run on across the empty cells to their right; they do not set the widths.
			text(1, row, n, 0)
			row++
		}
	}
	if failed != nil {
		return failed
	}
	if err := f.SetColWidth(sheet, "A", "A", columnWidth(widthA, 12, 60)); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", columnWidth(widthB, 10, 40)); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("%s %d", d.Member, d.FiscalYear),
		Creator: "Remedy",
	}); err != nil {
		return err
	}
	return f.Write(w)
}

// displayWidth counts a text in the units of a spreadsheet column: one per narrow character, two
// per East Asian wide one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func columnWidth(chars, least, most int) float64 {
	return float64(min(max(chars+2, least), most))
}

// sheetName is the member's name and the year, as Excel accepts a sheet name: at most 31 UTF-16
// units, none of []:*?/\ or control characters, no apostrophe at either end. The year is kept
// whole; the name is shortened.
func sheetName(member string, year int) string {
	const limit = 31
	suffix := strconv.Itoa(year)
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, member)
	name = strings.Join(strings.Fields(name), " ")
	budget := limit - len(suffix) - 1
	units := 0
	for i, r := range name {
		if units += utf16.RuneLen(r); units > budget {
			name = name[:i]
			break
		}
	}
	name = strings.Trim(name, "' ")
	if name == "" {
		return suffix
	}
	return name + " " + suffix
}
