package transparency

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

func sampleDisclosure(t *testing.T) Disclosure {
	t.Helper()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return Disclosure{
		Member:     "株式会社サンプル商事",
		FiscalYear: 2025,
		From:       time.Date(2025, 4, 1, 0, 0, 0, 0, tokyo),
		To:         time.Date(2026, 4, 1, 0, 0, 0, 0, tokyo),
		Received:   7,
		Sections: []DisclosureSection{
			{Title: "分類", Rows: []DisclosureRow{
				{Code: "forced_labour", Label: "強制労働", Count: 0},
				{Code: "human_trafficking", Label: "人身取引", Count: 0},
				{Code: "wages", Label: "賃金", Count: 5},
				{Code: "other", Label: "=HYPERLINK(\"http://evil.example\",\"x\")", Count: 2},
			}},
			{Title: "結果", Rows: []DisclosureRow{
				{Code: "remedied", Label: "救済済み", Count: 3},
				{Code: "not_substantiated", Label: "-立証されず", Count: 0},
			}},
		},
		Notes: []string{"件数は受付日で数えています。", "@SUM(1+1)"},
		Labels: DisclosureLabels{
			FiscalYear: "会計年度", Period: "期間", Received: "受付件数", Count: "件数", Notes: "注記",
		},
	}
}

func readCSV(t *testing.T, d Disclosure) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDisclosureCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("no UTF-8 byte order mark at the start: % x", buf.Bytes()[:min(8, buf.Len())])
	}
	if !bytes.Contains(body, []byte("\r\n")) {
		t.Errorf("lines do not end in CRLF as RFC 4180 has them")
	}
	// Default reader settings: every record must have as many fields as the first.
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("does not read back as CSV: %v\n%s", err, body)
	}
	return records
}

func TestDisclosureCSVReadsBackWithHeaderBlockAndEveryRow(t *testing.T) {
	d := sampleDisclosure(t)
	records := readCSV(t, d)
	want := [][]string{
		{"member", "株式会社サンプル商事", "", ""},
		{"fiscal_year", "2025", "", ""},
		{"period_start", "2025-04-01", "", ""},
		{"period_end", "2026-03-31", "", ""},
		{"received", "7", "", ""},
		{"", "", "", ""},
		{"section", "code", "label", "count"},
		{"分類", "forced_labour", "強制労働", "0"},
		{"分類", "human_trafficking", "人身取引", "0"},
		{"分類", "wages", "賃金", "5"},
		{"分類", "other", "'=HYPERLINK(\"http://evil.example\",\"x\")", "2"},
		{"結果", "remedied", "救済済み", "3"},
		{"結果", "not_substantiated", "'-立証されず", "0"},
		{"", "", "", ""},
		{"note", "件数は受付日で数えています。", "", ""},
		{"note", "'@SUM(1+1)", "", ""},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d:\n%q", len(records), len(want), records)
	}
	for i := range want {
		if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, records[i], want[i])
		}
	}
}

func TestDisclosureCSVNeutralisesFormulas(t *testing.T) {
	d := sampleDisclosure(t)
	d.Member = "+cmd|' /C calc'!A0"
	d.Sections = []DisclosureSection{{Title: "=1+1", Rows: []DisclosureRow{{Code: "@x", Label: "\tTAB", Count: 1}, {Code: "ok", Label: "-2", Count: 0}}}}
	d.Notes = []string{"\r=carriage"}
	for i, r := range readCSV(t, d) {
		for j, field := range r {
			if field != "" && strings.ContainsRune("=+-@\t\r", rune(field[0])) {
				t.Errorf("record %d field %d %q would run as a formula", i, j, field)
			}
		}
	}
	if got := readCSV(t, d)[0][1]; got != "'+cmd|' /C calc'!A0" {
		t.Errorf("member %q, want the text kept behind an apostrophe", got)
	}
}

func TestDisclosureCSVWithoutNotesEndsWithTheTable(t *testing.T) {
	d := sampleDisclosure(t)
	d.Notes = nil
	records := readCSV(t, d)
	if last := records[len(records)-1]; last[1] != "not_substantiated" {
		t.Errorf("last record %q, want the last row of the table", last)
	}
}

func openXLSX(t *testing.T, d Disclosure) (*excelize.File, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDisclosureXLSX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %q, want one", sheets)
	}
	return f, sheets[0]
}

func TestDisclosureXLSXHoldsTheSameFiguresAsNumbers(t *testing.T) {
	d := sampleDisclosure(t)
	f, sheet := openXLSX(t, d)
	if sheet != "株式会社サンプル商事 2025" {
		t.Errorf("sheet %q, want the member and year", sheet)
	}
	want := []struct {
		cell, value string
		number      bool
	}{
		{"A1", "株式会社サンプル商事", false},
		{"A2", "会計年度", false}, {"B2", "2025", true},
		{"A3", "期間", false}, {"B3", "2025-04-01 – 2026-03-31", false},
		{"A4", "受付件数", false}, {"B4", "7", true},
		{"A6", "分類", false}, {"B6", "件数", false},
		{"A7", "強制労働", false}, {"B7", "0", true},
		{"A8", "人身取引", false}, {"B8", "0", true},
		{"A9", "賃金", false}, {"B9", "5", true},
		{"A10", `=HYPERLINK("http://evil.example","x")`, false}, {"B10", "2", true},
		{"A12", "結果", false}, {"B12", "件数", false},
		{"A13", "救済済み", false}, {"B13", "3", true},
		{"A14", "-立証されず", false}, {"B14", "0", true},
		{"A16", "注記", false},
		{"A17", "件数は受付日で数えています。", false},
		{"A18", "@SUM(1+1)", false},
	}
	for _, w := range want {
		got, err := f.GetCellValue(sheet, w.cell)
		if err != nil || got != w.value {
			t.Errorf("%s = %q (%v), want %q", w.cell, got, err, w.value)
		}
		kind, err := f.GetCellType(sheet, w.cell)
		if err != nil {
			t.Fatal(err)
		}
		// An unset type is a number in OOXML; text is a shared or inline string.
		isNumber := kind == excelize.CellTypeNumber || kind == excelize.CellTypeUnset
		if isNumber != w.number {
			t.Errorf("%s has type %v, want number=%v", w.cell, kind, w.number)
		}
		if formula, _ := f.GetCellFormula(sheet, w.cell); formula != "" {
			t.Errorf("%s holds the formula %q, want text", w.cell, formula)
		}
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 18 {
		t.Errorf("%d rows, want 18:\n%q", len(rows), rows)
	}
}

func TestDisclosureXLSXHeadersAreBold(t *testing.T) {
	f, sheet := openXLSX(t, sampleDisclosure(t))
	for _, c := range []string{"A1", "A6", "B6", "A12", "B12"} {
		id, err := f.GetCellStyle(sheet, c)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("%s is not bold", c)
		}
	}
	id, _ := f.GetCellStyle(sheet, "A7")
	if style, _ := f.GetStyle(id); style != nil && style.Font != nil && style.Font.Bold {
		t.Errorf("a row label is bold like a header")
	}
}

func TestDisclosureXLSXColumnsFitTheirText(t *testing.T) {
	d := sampleDisclosure(t)
	d.Sections[0].Rows[2].Label = "Wages, benefits and working hours below the legal minimum"
	f, sheet := openXLSX(t, d)
	a, err := f.GetColWidth(sheet, "A")
	if err != nil {
		t.Fatal(err)
	}
	if a < float64(len(d.Sections[0].Rows[2].Label)) {
		t.Errorf("column A is %.0f wide, narrower than a %d-character label", a, len(d.Sections[0].Rows[2].Label))
	}
	b, _ := f.GetColWidth(sheet, "B")
	if period := len("2025-04-01 – 2026-03-31"); b < float64(period) {
		t.Errorf("column B is %.0f wide, narrower than the period", b)
	}
	d.Sections[0].Rows[2].Label = strings.Repeat("long ", 100)
	f, sheet = openXLSX(t, d)
	if a, _ := f.GetColWidth(sheet, "A"); a > 60 {
		t.Errorf("column A is %.0f wide for an absurd label, want it capped", a)
	}
}

func TestDisclosureXLSXEnglishLabelsByDefault(t *testing.T) {
	d := sampleDisclosure(t)
	d.Labels = DisclosureLabels{}
	f, sheet := openXLSX(t, d)
	for cell, want := range map[string]string{"A2": "Fiscal year", "A3": "Period", "A4": "Cases received", "B6": "Cases", "A16": "Notes"} {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
}

func TestSheetNameIsOneExcelAccepts(t *testing.T) {
	cases := []struct{ member, want string }{
		{"Acme", "Acme 2025"},
		{"A/B [Holdings]: *East*? \\ West", "A B Holdings East West 2025"},
		{"'Quoted'", "Quoted 2025"},
		{"", "2025"},
		{"///", "2025"},
		{strings.Repeat("Long name ", 10), "Long name Long name Long n 2025"},
		{strings.Repeat("株", 40), strings.Repeat("株", 26) + " 2025"},
		{strings.Repeat("😀", 20), strings.Repeat("😀", 13) + " 2025"},
	}
	for _, c := range cases {
		got := sheetName(c.member, 2025)
		if got != c.want {
			t.Errorf("sheetName(%q) = %q, want %q", c.member, got, c.want)
		}
		if n := len(utf16.Encode([]rune(got))); n > 31 {
			t.Errorf("sheetName(%q) is %d UTF-16 units, Excel takes 31", c.member, n)
		}
		f := excelize.NewFile()
		if err := f.SetSheetName("Sheet1", got); err != nil || f.GetSheetName(0) != got {
			t.Errorf("excelize refuses sheet name %q: %v", got, err)
		}
		f.Close()
	}
}

func TestDisclosureXLSXWithALongHostileMemberName(t *testing.T) {
	d := sampleDisclosure(t)
	d.Member = "Trading [Asia/Pacific]: Very Long Company Name Limited " + strconv.Itoa(42)
	_, sheet := openXLSX(t, d)
	if !strings.HasSuffix(sheet, " 2025") || strings.ContainsAny(sheet, `[]:*?/\`) {
		t.Errorf("sheet %q", sheet)
	}
}
