package grievance

import (
	"net/mail"
	"strings"
	"testing"
)

// FuzzValidNotifyEmail: a reporter's news address is typed by a stranger and later put in a
// mail's To header, so whatever is accepted must be one plain address that cannot carry another
// header or a second recipient.
func FuzzValidNotifyEmail(f *testing.F) {
	for _, s := range []string{"lan@example.vn", "a@b.c", "Lan <lan@example.vn>", "x@y\r\nBcc: z@w.io", "a@b.c,d@e.f", "@", "", strings.Repeat("a", 250) + "@b.co"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if !ValidNotifyEmail(addr) {
			return
		}
		if len(addr) > 254 || strings.ContainsAny(addr, "\r\n,;<>") {
			t.Fatalf("accepted %q", addr)
		}
		a, err := mail.ParseAddress(addr)
		if err != nil || a.Address != addr || a.Name != "" {
			t.Fatalf("accepted %q, which parses as %+v, %v", addr, a, err)
		}
	})
}
