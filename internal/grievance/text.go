package grievance

import "strings"

// bidiControls are the embedding, override and isolate characters (U+202A–U+202E,
// U+2066–U+2069). Typed into a name or a file name they reorder what a reader sees
// ("invoice<U+202E>fdp.exe" shows as "invoiceexe.pdf"); no name needs them.
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "",
)

// PlainName is a name or file name without bidi controls, trimmed.
func PlainName(s string) string {
	return strings.TrimSpace(bidiControls.Replace(s))
}
