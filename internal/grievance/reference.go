package grievance

import (
	"fmt"
	"regexp"
	"strconv"
)

// FormatReference makes the human-friendly case reference, e.g. R-2026-00042. Sequence numbers
// beyond 99999 simply grow a digit, so references stay unique and sort within a year by length
// then text.
func FormatReference(year, seq int) string { return fmt.Sprintf("R-%04d-%05d", year, seq) }

var referencePattern = regexp.MustCompile(`^R-(\d{4})-(\d{5,})$`)

// ParseReference reads a reference made by FormatReference.
func ParseReference(ref string) (year, seq int, ok bool) {
	m := referencePattern.FindStringSubmatch(ref)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	seq, err := strconv.Atoi(m[2])
	ok = err == nil && seq > 0 && FormatReference(year, seq) == ref
	return year, seq, ok
}
