// Package digits reads decimal digits typed in the scripts of the platform's languages, so that a
// receipt or a number typed on a phone set to Nepali, Bengali, Thai, Khmer, Burmese or Arabic
// means the same as its ASCII form.
package digits

// zeros are the digit zeros of the scripts in use: ASCII, full-width (Japanese and Chinese IMEs),
// Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), Devanagari (Nepali), Bengali, Thai, Lao,
// Khmer, Myanmar and Myanmar Shan. Each is followed by its nine other digits in Unicode.
var zeros = [...]rune{'0', '\uFF10', '\u0660', '\u06F0', '\u0966', '\u09E6', '\u0E50', '\u0ED0', '\u17E0', '\u1040', '\u1090'}

// Value is the value of a decimal digit in any of those scripts.
func Value(r rune) (byte, bool) {
	for _, zero := range zeros {
		if r >= zero && r <= zero+9 {
			return byte(r - zero), true
		}
	}
	return 0, false
}

// ASCII rewrites every such digit in s as its ASCII digit and leaves everything else alone.
func ASCII(s string) string {
	out := []rune(s)
	for i, r := range out {
		if v, ok := Value(r); ok {
			out[i] = rune('0' + v)
		}
	}
	return string(out)
}
