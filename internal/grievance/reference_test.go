package grievance_test

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

func TestFormatReference(t *testing.T) {
	tests := []struct {
		year, seq int
		want      string
	}{
		{2026, 42, "R-2026-00042"},
		{2026, 1, "R-2026-00001"},
		{2026, 99999, "R-2026-99999"},
		{2026, 123456, "R-2026-123456"},
		{2027, 7, "R-2027-00007"},
	}
	for _, tt := range tests {
		if got := grievance.FormatReference(tt.year, tt.seq); got != tt.want {
			t.Errorf("FormatReference(%d, %d) = %q, want %q", tt.year, tt.seq, got, tt.want)
		}
	}
}

func TestParseReferenceRoundTrip(t *testing.T) {
	for _, c := range []struct{ year, seq int }{{2026, 42}, {2026, 1}, {2026, 99999}, {2026, 123456}, {2031, 100000}} {
		ref := grievance.FormatReference(c.year, c.seq)
		year, seq, ok := grievance.ParseReference(ref)
		if !ok || year != c.year || seq != c.seq {
			t.Errorf("ParseReference(%q) = %d, %d, %v; want %d, %d, true", ref, year, seq, ok, c.year, c.seq)
		}
	}
}

func TestParseReferenceRejects(t *testing.T) {
	for _, ref := range []string{
		"R-2026-42",                      // fewer than five digits
		"X-2026-00042",                   // wrong prefix
		"R-2026-00000",                   // no case 0
		"",                               // empty
		"R-26-00042",                     // two-digit year
		"r-2026-00042",                   // lower case
		"R-2026-00042 ",                  // trailing space
		" R-2026-00042",                  // leading space
		"R-2026-0004a",                   // not a number
		"R-2026-00042-1",                 // extra part
		"R-2026--0042",                   // sign
		"R-2026-",                        // no sequence
		"R-2026-١٢٣٤٥",                   // non-ASCII digits
		"R-2026-99999999999999999999999", // overflows int
	} {
		if year, seq, ok := grievance.ParseReference(ref); ok {
			t.Errorf("ParseReference(%q) = %d, %d, true; want refused", ref, year, seq)
		}
	}
}
