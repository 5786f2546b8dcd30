// Package chart draws the bar charts of the public statistics and the annual report as inline
// SVG: no JavaScript, no style attributes (the pages' CSP allows only the site stylesheet), and
// one picture a screen reader can read through its title and description.
//
// The drawing works in a coordinate system 320 units wide, the width of a small phone, so that
// text set at 14 units stays legible when the stylesheet scales the picture to the column width.
// Presentation attributes give every shape a default colour, so a chart copied out of the page
// still reads; the classes let the stylesheet restyle it for screen and print.
package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Bar is one labelled value of a chart.
type Bar struct {
	Label string  // already translated
	Value float64 // drives the bar length; negative, NaN and infinite values count as zero
	Text  string  // the value as shown, already formatted ("42", "87 %", "12 days")
}

// Chart is what both kinds of chart draw.
type Chart struct {
	ID    string // unique on the page; the title and description ids derive from it
	Title string
	Desc  string // the text alternative: one or two sentences saying what the chart shows
	Bars  []Bar
	Dir   string // "rtl" mirrors the layout for right-to-left pages; anything else is left to right
	Empty string // shown instead of bars when there are none or all are zero, e.g. "No cases"
}

const (
	viewWidth = 320.0
	margin    = 4.0

	// HorizontalBars
	labelSize    = 14.0
	labelLeading = 18.0
	barHeight    = 16.0
	barSpacing   = 14.0 // between one bar and the next bar's label
	valueGap     = 6.0  // between a bar's end and its value text

	// Columns
	axisSize     = 12.0
	headroom     = 20.0 // above the tallest column, for its value
	plotHeight   = 140.0
	columnShare  = 0.7  // of a column's slot; the rest is the gap to its neighbours
	columnMax    = 36.0 // so that two or three years do not make slabs
	axisLabelGap = 16.0

	// A value too small to reach a whole unit still gets a sliver, so that "1" never looks like "0".
	minVisible = 2.0

	barFill   = "#0b57a4"
	axisColor = "#6b6b6b"
	textFill  = "#1a1a1a"
)

// HorizontalBars draws one horizontal bar per entry, in the given order. Each label sits on its
// own line(s) above its bar, wrapped to the chart width, so that long translated labels fit on a
// phone; the value text follows the bar's end.
func HorizontalBars(c Chart) template.HTML {
	max := largest(c.Bars)
	if max == 0 {
		return empty(c, "chart chart-bars")
	}
	rtl := c.Dir == "rtl"

	textRoom := 0.0
	for _, b := range c.Bars {
		textRoom = math.Max(textRoom, textWidth(b.Text, labelSize))
	}
	// A very long value text must not squeeze the bars into nothing; it then runs past the edge
	// of the longest bar's line rather than making every bar unreadably short.
	fullLength := math.Max(viewWidth-2*margin-valueGap-textRoom, viewWidth/2)

	var body bytes.Buffer
	y := margin
	for _, b := range c.Bars {
		lines := wrap(b.Label, viewWidth-2*margin, labelSize)
		if len(lines) > 0 {
			fmt.Fprintf(&body, `<text class="chart-label" x="%s" y="%s">`, num(edge(margin, rtl)), num(y+labelSize))
			for i, line := range lines {
				if i == 0 {
					body.WriteString(escape(line))
					continue
				}
				fmt.Fprintf(&body, `<tspan x="%s" dy="%s">%s</tspan>`, num(edge(margin, rtl)), num(labelLeading), escape(line))
			}
			body.WriteString(`</text>`)
			y += float64(len(lines))*labelLeading + 2
		}
		length := barLength(clean(b.Value), max, fullLength)
		if length > 0 {
			x := margin
			if rtl {
				x = viewWidth - margin - length
			}
			fmt.Fprintf(&body, `<rect class="chart-bar" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				num(x), num(y), num(length), num(barHeight), barFill)
		}
		valueAt := margin + length
		if length > 0 {
			valueAt += valueGap
		}
		fmt.Fprintf(&body, `<text class="chart-value" x="%s" y="%s">%s</text>`,
			num(edge(valueAt, rtl)), num(y+barHeight/2+labelSize*0.35), escape(b.Text))
		y += barHeight + barSpacing
	}
	height := y - barSpacing + margin
	return svg(c, "chart chart-bars", height, body.String())
}

// Columns draws a trend: one column per entry (a year, oldest first), labels under the columns
// thinned to every 2nd, 5th, 10th… when they would collide, each column's value as a tooltip,
// and the largest value written above its column.
func Columns(c Chart) template.HTML {
	max := largest(c.Bars)
	if max == 0 {
		return empty(c, "chart chart-columns")
	}
	rtl := c.Dir == "rtl"
	n := len(c.Bars)
	slot := (viewWidth - 2*margin) / float64(n)
	columnWidth := math.Min(slot*columnShare, columnMax)
	baseline := margin + headroom + plotHeight

	widestLabel := 0.0
	for _, b := range c.Bars {
		widestLabel = math.Max(widestLabel, textWidth(b.Label, axisSize))
	}
	every := labelStep(widestLabel+axisSize/2, slot)

	// The latest value wins a tie, being the one readers look for.
	top := 0
	for i, b := range c.Bars {
		if clean(b.Value) >= clean(c.Bars[top].Value) {
			top = i
		}
	}

	var body bytes.Buffer
	fmt.Fprintf(&body, `<line class="chart-axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`,
		num(margin), num(baseline), num(viewWidth-margin), num(baseline), axisColor)
	for i, b := range c.Bars {
		slotStart := margin + float64(i)*slot
		if rtl {
			slotStart = viewWidth - margin - float64(i+1)*slot
		}
		centre := slotStart + slot/2
		height := barLength(clean(b.Value), max, plotHeight)

		body.WriteString(`<g class="chart-column">`)
		fmt.Fprintf(&body, `<title>%s</title>`, escape(pair(b.Label, b.Text)))
		// An invisible full-height target keeps the tooltip reachable over a zero or tiny column.
		fmt.Fprintf(&body, `<rect class="chart-target" x="%s" y="%s" width="%s" height="%s" fill="#000" fill-opacity="0"/>`,
			num(slotStart), num(margin+headroom), num(slot), num(plotHeight))
		if height > 0 {
			fmt.Fprintf(&body, `<rect class="chart-bar" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				num(centre-columnWidth/2), num(baseline-height), num(columnWidth), num(height), barFill)
		}
		body.WriteString(`</g>`)

		if i == top {
			fmt.Fprintf(&body, `<text class="chart-value chart-top" x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>`,
				num(inside(centre, textWidth(b.Text, labelSize))), num(baseline-height-5), escape(b.Text))
		}
		if (n-1-i)%every == 0 { // counted from the latest, which is always labelled
			fmt.Fprintf(&body, `<text class="chart-axis-label" x="%s" y="%s" text-anchor="middle" font-size="%s">%s</text>`,
				num(inside(centre, textWidth(b.Label, axisSize))), num(baseline+axisLabelGap), num(axisSize), escape(b.Label))
		}
	}
	height := baseline + axisLabelGap + margin + 2
	return svg(c, "chart chart-columns", height, body.String())
}

// empty draws the chart's frame with its Empty text, keeping the title and description so that
// the page reads the same to a screen reader whether or not there is data.
func empty(c Chart, class string) template.HTML {
	height := 40.0
	body := fmt.Sprintf(`<text class="chart-empty" x="%s" y="%s" text-anchor="middle">%s</text>`,
		num(viewWidth/2), num(height/2+labelSize*0.35), escape(c.Empty))
	return svg(c, class, height, body)
}

func svg(c Chart, class string, height float64, body string) template.HTML {
	dir := "ltr"
	if c.Dir == "rtl" {
		dir = "rtl"
	}
	id := escape(c.ID)
	var b strings.Builder
	// direction is set even for ltr: inline SVG would otherwise inherit the page's, and the
	// text-anchor of every label is relative to it.
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="%s" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %s %s" width="%s" height="%s" direction="%s" font-size="%s" fill="%s">`,
		class, id, id, num(viewWidth), num(height), num(viewWidth), num(height), dir, num(labelSize), textFill)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, escape(c.Title))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id, escape(description(c)))
	b.WriteString(body)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// description is the text alternative: role="img" hides the drawing's text from screen
// readers, so the figures themselves follow the author's sentence.
func description(c Chart) string {
	if largest(c.Bars) == 0 {
		return join(c.Desc, c.Empty)
	}
	separator := "; "
	if c.Dir == "rtl" {
		separator = "؛ " // the Arabic semicolon
	}
	figures := make([]string, len(c.Bars))
	for i, b := range c.Bars {
		figures[i] = pair(b.Label, b.Text)
	}
	return join(c.Desc, strings.Join(figures, separator))
}

func pair(label, text string) string {
	if label == "" {
		return text
	}
	return label + ": " + text
}

func join(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}

func largest(bars []Bar) float64 {
	max := 0.0
	for _, b := range bars {
		max = math.Max(max, clean(b.Value))
	}
	return max
}

func clean(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

func barLength(v, max, full float64) float64 {
	if v <= 0 {
		return 0
	}
	return math.Max(v/max*full, minVisible)
}

// edge mirrors a distance from the start edge for right-to-left charts. Text needs nothing
// else: with direction="rtl" on the svg, text-anchor "start" is the text's right end.
func edge(fromStart float64, rtl bool) float64 {
	if rtl {
		return viewWidth - fromStart
	}
	return fromStart
}

// inside moves the centre of a middle-anchored text so that the whole text stays in the picture.
func inside(centre, textWidth float64) float64 {
	half := textWidth / 2
	return math.Min(math.Max(centre, margin+half), viewWidth-margin-half)
}

// labelStep is how many columns apart the axis labels must be so that they do not collide:
// 1, 2, 5, 10, 20, 50…
func labelStep(labelWidth, slot float64) int {
	for step := 1; ; step *= 10 {
		for _, s := range []int{step, 2 * step, 5 * step} {
			if float64(s)*slot >= labelWidth {
				return s
			}
		}
	}
}

// textWidth estimates the advance of s without a font at hand: East Asian wide characters take a
// full em, combining marks none, anything else a generous average. Wrapping and room for values
// only need it not to underestimate much.
func textWidth(s string, size float64) float64 {
	em := 0.0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case wide(r):
			em++
		default:
			em += 0.6
		}
	}
	return em * size
}

func wide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// wrap breaks a label into lines no wider than max: between words, and between any two East
// Asian wide characters, since Chinese and Japanese labels have no spaces. A word wider than a
// whole line is cut where it must be.
func wrap(label string, max, size float64) []string {
	label = strings.Join(strings.Fields(label), " ")
	var lines []string
	line := ""
	for _, piece := range pieces(label) {
		if line == "" {
			line = strings.TrimLeft(piece, " ")
			continue
		}
		if textWidth(line+piece, size) <= max {
			line += piece
			continue
		}
		lines = append(lines, cut(line, max, size)...)
		line = strings.TrimLeft(piece, " ")
	}
	if line != "" {
		lines = append(lines, cut(line, max, size)...)
	}
	return lines
}

// pieces splits text where a line may break, each piece keeping the space before it.
func pieces(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && (r == ' ' || wide(r) || lastWide(s[start:i])) {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func lastWide(s string) bool {
	r := []rune(s)
	return len(r) > 0 && wide(r[len(r)-1])
}

func cut(line string, max, size float64) []string {
	var out []string
	for textWidth(line, size) > max {
		runes := []rune(line)
		n := 1
		for n < len(runes) && textWidth(string(runes[:n+1]), size) <= max {
			n++
		}
		out = append(out, string(runes[:n]))
		line = string(runes[n:])
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// escape makes any text safe as SVG content or attribute value, inline in HTML or standalone;
// characters XML cannot carry become U+FFFD.
func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // a bytes.Buffer does not fail
	return b.String()
}

// num writes a coordinate with at most one decimal, the same way every time.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
