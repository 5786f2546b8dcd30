package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestLocalPathKeepsRedirectsOnThisSite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/report", "/report"},
		{"/follow-up?expired=1", "/follow-up?expired=1"},
		{"/register?fiscal_year=2025#table", "/register?fiscal_year=2025#table"},
		{"/desk/cases/", "/desk/cases/"},
		{"/a/../b", "/b"},
		{"/%E3%81%82", "/%E3%81%82"}, // a path in Japanese stays
		{"", "/"},
		{"report", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{`/\evil.example`, "/"},
		{`\/evil.example`, "/"},
		{`/x\..\..\evil.example`, "/"},
		{"/\t/evil.example", "/"},  // the reported hole: browsers drop the tab and see //evil
		{"/%09/evil.example", "/"}, // the same, still encoded
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%255Cevil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/@evil.example", "/@evil.example"},   // a path, whatever it looks like
		{"/..//evil.example", "/evil.example"}, // cleaned to a path here
		{"/.//evil.example", "/evil.example"},
		{"/x?next=//evil.example", "/x?next=//evil.example"}, // in the query: harmless
		{"/x?%09", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	} {
		if got := LocalPath(c.in); got != c.want {
			t.Errorf("LocalPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzLocalPath: whatever comes in, what goes out is a path of this origin.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/report?x=1#y", "//evil", "/\t/evil", "/%09/evil", `/\evil`, "/%2F/evil", "/a/../../b", "https://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := LocalPath(in)
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.HasPrefix(out, `/\`) {
			t.Fatalf("LocalPath(%q) = %q: not a local path", in, out)
		}
		for _, c := range []byte(out) {
			if c <= ' ' || c == 0x7f || c == '\\' {
				t.Fatalf("LocalPath(%q) = %q: holds %q", in, out, c)
			}
		}
		u, err := url.Parse(out)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
			t.Fatalf("LocalPath(%q) = %q: parses as %#v (%v)", in, out, u, err)
		}
		// A browser resolving it against our origin stays on our origin.
		base, _ := url.Parse("https://remedy.example/here")
		if got := base.ResolveReference(u); got.Host != "remedy.example" {
			t.Fatalf("LocalPath(%q) = %q resolves to host %q", in, out, got.Host)
		}
		if dec, err := url.PathUnescape(u.Path); err == nil && strings.HasPrefix(dec, "//") {
			t.Fatalf("LocalPath(%q) = %q decodes to %q", in, out, dec)
		}
	})
}
