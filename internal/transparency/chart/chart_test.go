package chart

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
)

// node is a generic XML element, enough to inspect what the charts draw.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) number(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

func (n node) hasClass(class string) bool {
	for _, c := range strings.Fields(n.attr("class")) {
		if c == class {
			return true
		}
	}
	return false
}

// all lists the elements under n (n included) with the given name and, if not empty, class.
func (n node) all(name, class string) []node {
	var out []node
	if n.XMLName.Local == name && (class == "" || n.hasClass(class)) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(name, class)...)
	}
	return out
}

// text is the element's text with that of its tspans, as the lines a reader sees.
func (n node) text() []string {
	lines := []string{n.Text}
	for _, c := range n.Nodes {
		if c.XMLName.Local == "tspan" {
			lines = append(lines, c.Text)
		}
	}
	return lines
}

func parse(t *testing.T, out string) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal([]byte(out), &root); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, out)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want an svg element", root.XMLName)
	}
	return root
}

var kinds = []struct {
	name string
	draw func(Chart) string
}{
	{"HorizontalBars", func(c Chart) string { return string(HorizontalBars(c)) }},
	{"Columns", func(c Chart) string { return string(Columns(c)) }},
}

func sample() Chart {
	return Chart{
		ID:    "by-category",
		Title: "Cases by category",
		Desc:  "Cases received in fiscal year 2025, by category.",
		Bars: []Bar{
			{Label: "Forced labour", Value: 10, Text: "10"},
			{Label: "Wages", Value: 5, Text: "5"},
			{Label: "Child labour", Value: 2.5, Text: "2.5"},
		},
		Empty: "No cases",
	}
}

func TestChartIsAnAccessibleImageWithTitleAndDescription(t *testing.T) {
	for _, kind := range kinds {
		for _, c := range []Chart{sample(), {ID: "none", Title: "Nothing", Desc: "Nothing yet.", Empty: "No cases"}} {
			t.Run(kind.name+"/"+c.ID, func(t *testing.T) {
				svg := parse(t, kind.draw(c))
				if svg.attr("role") != "img" {
					t.Errorf("role = %q, want img", svg.attr("role"))
				}
				if got, want := svg.attr("aria-labelledby"), c.ID+"-title "+c.ID+"-desc"; got != want {
					t.Errorf("aria-labelledby = %q, want %q", got, want)
				}
				if !svg.hasClass("chart") {
					t.Errorf("class = %q, want it to include chart", svg.attr("class"))
				}
				if f := strings.Fields(svg.attr("viewBox")); len(f) != 4 || f[2] != "320" {
					t.Errorf("viewBox = %q, want 320 units wide", svg.attr("viewBox"))
				}
				titles, descs := svg.all("title", ""), svg.all("desc", "")
				if len(titles) == 0 || titles[0].attr("id") != c.ID+"-title" || titles[0].Text != c.Title {
					t.Errorf("first title = %+v, want id %s-title and text %q", titles, c.ID, c.Title)
				}
				if len(descs) != 1 || descs[0].attr("id") != c.ID+"-desc" || !strings.HasPrefix(descs[0].Text, c.Desc) {
					t.Errorf("desc = %+v, want id %s-desc starting with %q", descs, c.ID, c.Desc)
				}
			})
		}
	}
}

func TestDescriptionCarriesTheFigures(t *testing.T) {
	for _, kind := range kinds {
		desc := parse(t, kind.draw(sample())).all("desc", "")[0].Text
		for _, want := range []string{"Forced labour: 10", "Wages: 5", "Child labour: 2.5"} {
			if !strings.Contains(desc, want) {
				t.Errorf("%s: desc %q lacks %q", kind.name, desc, want)
			}
		}
	}
}

func TestHorizontalBarLengthsAreProportional(t *testing.T) {
	bars := parse(t, string(HorizontalBars(sample()))).all("rect", "chart-bar")
	if len(bars) != 3 {
		t.Fatalf("%d bars, want 3", len(bars))
	}
	longest := bars[0].number(t, "width")
	for i, want := range []float64{1, 0.5, 0.25} {
		if got := bars[i].number(t, "width") / longest; math.Abs(got-want) > 0.01 {
			t.Errorf("bar %d is %.3f of the longest, want %.3f", i, got, want)
		}
	}
	if longest < 160 || longest > 320-8 {
		t.Errorf("longest bar %.1f units, want most of the 320-unit width", longest)
	}
}

func TestColumnHeightsAreProportional(t *testing.T) {
	columns := parse(t, string(Columns(sample()))).all("rect", "chart-bar")
	if len(columns) != 3 {
		t.Fatalf("%d columns, want 3", len(columns))
	}
	tallest := columns[0].number(t, "height")
	baseline := columns[0].number(t, "y") + tallest
	for i, want := range []float64{1, 0.5, 0.25} {
		if got := columns[i].number(t, "height") / tallest; math.Abs(got-want) > 0.01 {
			t.Errorf("column %d is %.3f of the tallest, want %.3f", i, got, want)
		}
		if bottom := columns[i].number(t, "y") + columns[i].number(t, "height"); math.Abs(bottom-baseline) > 0.11 {
			t.Errorf("column %d ends at %.1f, want the baseline %.1f", i, bottom, baseline)
		}
	}
}

func TestZeroHasNoBarAndATinyValueStillShows(t *testing.T) {
	c := sample()
	c.Bars = []Bar{{Label: "Many", Value: 1000, Text: "1000"}, {Label: "One", Value: 1, Text: "1"}, {Label: "None", Value: 0, Text: "0"}}
	for _, kind := range kinds {
		svg := parse(t, kind.draw(c))
		bars := svg.all("rect", "chart-bar")
		if len(bars) != 2 {
			t.Fatalf("%s: %d bars, want 2 (none for the zero)", kind.name, len(bars))
		}
		size := "width"
		if kind.name == "Columns" {
			size = "height"
		}
		if got := bars[1].number(t, size); got < minVisible {
			t.Errorf("%s: the value 1 next to 1000 is %.1f units, want at least %v to be seen", kind.name, got, minVisible)
		}
	}
	values := parse(t, string(HorizontalBars(c))).all("text", "chart-value")
	if len(values) != 3 || values[2].Text != "0" {
		t.Errorf("value texts %+v, want the zero written as 0", values)
	}
}

func TestRightToLeftMirrorsTheLayout(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			ltrChart, rtlChart := sample(), sample()
			rtlChart.Dir = "rtl"
			ltr, rtl := parse(t, kind.draw(ltrChart)), parse(t, kind.draw(rtlChart))
			if ltr.attr("direction") != "ltr" || rtl.attr("direction") != "rtl" {
				t.Errorf("direction = %q and %q, want ltr and rtl (text-anchor start follows it)", ltr.attr("direction"), rtl.attr("direction"))
			}
			l, r := ltr.all("rect", "chart-bar"), rtl.all("rect", "chart-bar")
			if len(l) != len(r) || len(l) == 0 {
				t.Fatalf("%d bars left to right, %d right to left", len(l), len(r))
			}
			for i := range l {
				mirrored := 320 - l[i].number(t, "x") - l[i].number(t, "width")
				if got := r[i].number(t, "x"); math.Abs(got-mirrored) > 0.11 {
					t.Errorf("bar %d starts at %.1f right to left, want %.1f (mirror of %.1f)", i, got, mirrored, l[i].number(t, "x"))
				}
				if l[i].attr("width") != r[i].attr("width") || l[i].attr("height") != r[i].attr("height") {
					t.Errorf("bar %d changed size when mirrored", i)
				}
			}
			lt, rt := ltr.all("text", ""), rtl.all("text", "")
			for i := range lt {
				if lt[i].attr("text-anchor") == "middle" {
					continue
				}
				if got, want := rt[i].number(t, "x"), 320-lt[i].number(t, "x"); math.Abs(got-want) > 0.11 {
					t.Errorf("text %q at %.1f right to left, want %.1f", lt[i].Text, got, want)
				}
			}
		})
	}
}

func TestColumnsRunOldestToLatestInReadingDirection(t *testing.T) {
	c := sample()
	c.Dir = "rtl"
	bars := parse(t, string(Columns(c))).all("rect", "chart-bar")
	if bars[0].number(t, "x") <= bars[len(bars)-1].number(t, "x") {
		t.Errorf("right to left, the first column is at %s, left of the last at %s", bars[0].attr("x"), bars[len(bars)-1].attr("x"))
	}
}

func TestEveryTextIsEscaped(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'more'`
	c := Chart{
		ID: "x", Title: hostile, Desc: hostile, Empty: hostile,
		Bars: []Bar{{Label: hostile, Value: 3, Text: hostile}, {Label: "2025", Value: 1, Text: "1"}},
	}
	empty := c
	empty.Bars = nil
	for _, kind := range kinds {
		for _, c := range []Chart{c, empty} {
			out := kind.draw(c)
			if strings.Contains(out, "<script") {
				t.Fatalf("%s: markup came through:\n%s", kind.name, out)
			}
			svg := parse(t, out)
			found := false
			for _, n := range append(append(svg.all("text", ""), svg.all("title", "")...), svg.all("desc", "")...) {
				for _, line := range n.text() {
					if strings.Contains(line, "<script>") {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("%s: the label does not come out as text", kind.name)
			}
		}
	}
}

func TestEmptyChartSaysSo(t *testing.T) {
	for _, bars := range [][]Bar{nil, {{Label: "A", Value: 0, Text: "0"}, {Label: "B", Value: math.NaN(), Text: "?"}, {Label: "C", Value: -2, Text: "-2"}}} {
		for _, kind := range kinds {
			c := sample()
			c.Bars = bars
			svg := parse(t, kind.draw(c))
			if n := len(svg.all("rect", "chart-bar")); n != 0 {
				t.Errorf("%s: %d bars drawn for %d values without any count", kind.name, n, len(bars))
			}
			texts := svg.all("text", "chart-empty")
			if len(texts) != 1 || texts[0].Text != "No cases" {
				t.Errorf("%s: texts %+v, want one saying No cases", kind.name, texts)
			}
			if desc := svg.all("desc", "")[0].Text; !strings.Contains(desc, "No cases") {
				t.Errorf("%s: desc %q does not say No cases", kind.name, desc)
			}
		}
	}
}

func TestNoStyleAttributeOrElement(t *testing.T) {
	many := sample()
	many.Dir = "rtl"
	for year := 2000; year <= 2026; year++ {
		many.Bars = append(many.Bars, Bar{Label: strconv.Itoa(year), Value: float64(year % 7), Text: strconv.Itoa(year % 7)})
	}
	for _, kind := range kinds {
		for _, c := range []Chart{sample(), many, {ID: "e", Empty: "None"}} {
			out := kind.draw(c)
			if strings.Contains(strings.ToLower(out), "style") {
				t.Errorf("%s: output mentions style, which the CSP forbids inline:\n%s", kind.name, out)
			}
			var walk func(node)
			walk = func(n node) {
				if n.XMLName.Local == "style" {
					t.Errorf("%s: a <style> element", kind.name)
				}
				for _, a := range n.Attrs {
					if strings.EqualFold(a.Name.Local, "style") || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
						t.Errorf("%s: attribute %s on <%s>", kind.name, a.Name.Local, n.XMLName.Local)
					}
				}
				for _, c := range n.Nodes {
					walk(c)
				}
			}
			walk(parse(t, out))
		}
	}
}

func years(from, to int) Chart {
	c := Chart{ID: "trend", Title: "Cases per year", Desc: "Cases received each fiscal year.", Empty: "No cases"}
	for y := from; y <= to; y++ {
		c.Bars = append(c.Bars, Bar{Label: strconv.Itoa(y), Value: float64(y - from + 1), Text: strconv.Itoa(y - from + 1)})
	}
	return c
}

func axisLabels(t *testing.T, c Chart) []string {
	var labels []string
	for _, n := range parse(t, string(Columns(c))).all("text", "chart-axis-label") {
		labels = append(labels, n.Text)
	}
	return labels
}

func TestColumnsLabelEveryYearWhenThereIsRoom(t *testing.T) {
	if got := axisLabels(t, years(2021, 2025)); strings.Join(got, " ") != "2021 2022 2023 2024 2025" {
		t.Errorf("labels %v, want all five years", got)
	}
}

func TestColumnsThinTheirLabelsForManyYears(t *testing.T) {
	for _, c := range []Chart{years(2000, 2025), years(1990, 2025)} {
		got := axisLabels(t, c)
		n := len(c.Bars)
		if len(got) >= n/2 {
			t.Errorf("%d years: %d labels, want them thinned", n, len(got))
		}
		if got[len(got)-1] != c.Bars[n-1].Label {
			t.Errorf("%d years: last label %s, want the latest year %s", n, got[len(got)-1], c.Bars[n-1].Label)
		}
		step := 0
		for i := 1; i < len(got); i++ {
			a, _ := strconv.Atoi(got[i-1])
			b, _ := strconv.Atoi(got[i])
			if step == 0 {
				step = b - a
			}
			if b-a != step {
				t.Errorf("%d years: labels %v are not evenly spaced", n, got)
				break
			}
		}
		// Labels must not overlap: their centres are further apart than a label is wide.
		texts := parse(t, string(Columns(c))).all("text", "chart-axis-label")
		for i := 1; i < len(texts); i++ {
			gap := texts[i].number(t, "x") - texts[i-1].number(t, "x")
			if gap < textWidth("2025", axisSize) {
				t.Errorf("%d years: labels %s and %s only %.1f apart", n, texts[i-1].Text, texts[i].Text, gap)
			}
		}
	}
}

func TestColumnsTellEachValueAndWriteTheLargest(t *testing.T) {
	c := years(2020, 2025)
	c.Bars[1].Value, c.Bars[1].Text = 9, "9 cases"
	c.Bars[4].Value, c.Bars[4].Text = 9, "9 cases (latest)"
	svg := parse(t, string(Columns(c)))
	groups := svg.all("g", "chart-column")
	if len(groups) != len(c.Bars) {
		t.Fatalf("%d column groups, want %d", len(groups), len(c.Bars))
	}
	for i, g := range groups {
		titles := g.all("title", "")
		if want := c.Bars[i].Label + ": " + c.Bars[i].Text; len(titles) != 1 || titles[0].Text != want {
			t.Errorf("column %d tooltip %+v, want %q", i, titles, want)
		}
	}
	top := svg.all("text", "chart-top")
	if len(top) != 1 || top[0].Text != "9 cases (latest)" {
		t.Errorf("written values %+v, want only the largest, the latest of a tie", top)
	}
}

func TestLongLabelsWrapToThePhoneWidth(t *testing.T) {
	c := sample()
	c.Bars = []Bar{
		{Label: "Forced labour, including debt bondage and the retention of identity documents by employers", Value: 4, Text: "4"},
		{Label: "強制労働（借金による束縛や雇用主による身分証明書の取り上げを含む）", Value: 2, Text: "2"},
		{Label: "Supercalifragilisticexpialidocious-and-then-some-more-without-any-space", Value: 1, Text: "1"},
	}
	labels := parse(t, string(HorizontalBars(c))).all("text", "chart-label")
	if len(labels) != 3 {
		t.Fatalf("%d labels, want 3", len(labels))
	}
	for i, l := range labels {
		lines := l.text()
		if len(lines) < 2 {
			t.Errorf("label %d on one line %q, want it wrapped", i, lines)
		}
		if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(c.Bars[i].Label, " ", "") {
			t.Errorf("label %d wrapped into %q, lost text of %q", i, lines, c.Bars[i].Label)
		}
		for _, line := range lines {
			if w := textWidth(line, labelSize); w > 320-2*margin {
				t.Errorf("label %d line %q is %.0f units, wider than the chart", i, line, w)
			}
		}
	}
}

func TestLabelsDoNotOverlapTheirBars(t *testing.T) {
	c := sample()
	c.Bars[1].Label = "A label long enough to need a second and maybe a third line on a phone screen"
	svg := parse(t, string(HorizontalBars(c)))
	labels, bars := svg.all("text", "chart-label"), svg.all("rect", "chart-bar")
	for i := range bars {
		lastBaseline := labels[i].number(t, "y") + float64(len(labels[i].text())-1)*labelLeading
		if top := bars[i].number(t, "y"); top < lastBaseline {
			t.Errorf("bar %d starts at %.1f, above its label's last line at %.1f", i, top, lastBaseline)
		}
		if i > 0 {
			prevBottom := bars[i-1].number(t, "y") + barHeight
			if labels[i].number(t, "y")-labelSize < prevBottom {
				t.Errorf("label %d starts above the end of bar %d", i, i-1)
			}
		}
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	for _, kind := range kinds {
		if a, b := kind.draw(years(1999, 2025)), kind.draw(years(1999, 2025)); a != b {
			t.Errorf("%s: two drawings of the same chart differ", kind.name)
		}
	}
}
