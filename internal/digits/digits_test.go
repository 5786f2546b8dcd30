package digits

import "testing"

func TestEveryScriptReadsAsASCII(t *testing.T) {
	for script, typed := range map[string]string{
		"ASCII":                 "0123456789",
		"full-width":            "０１２３４５６７８９",
		"Arabic-Indic":          "٠١٢٣٤٥٦٧٨٩",
		"Extended Arabic-Indic": "۰۱۲۳۴۵۶۷۸۹",
		"Devanagari (Nepali)":   "०१२३४५६७८९",
		"Bengali":               "০১২৩৪৫৬৭৮৯",
		"Thai":                  "๐๑๒๓๔๕๖๗๘๙",
		"Lao":                   "໐໑໒໓໔໕໖໗໘໙",
		"Khmer":                 "០១២៣៤៥៦៧៨៩",
		"Myanmar":               "၀၁၂၃၄၅၆၇၈၉",
		"Myanmar Shan":          "႐႑႒႓႔႕႖႗႘႙",
	} {
		if got := ASCII(typed); got != "0123456789" {
			t.Errorf("%s: %q read as %q", script, typed, got)
		}
	}
	if got := ASCII("R-2026 / ١٢ people"); got != "R-2026 / 12 people" {
		t.Errorf("non-digits changed: %q", got)
	}
	if _, ok := Value('a'); ok {
		t.Error("a letter read as a digit")
	}
}
