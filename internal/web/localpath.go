package web

import (
	"net/url"
	"path"
	"strings"
)

// LocalPath keeps a redirect target on this site: every next= redirect goes through it. Only a
// path of this origin passes ("/report?x=1#y"); anything a browser could read as another origin
// ("//evil", "/\evil", "/<TAB>/evil" — browsers drop tabs and newlines, and treat \ as /),
// any scheme, any control character or backslash, raw or percent-encoded, gives "/".
func LocalPath(next string) string {
	const home = "/"
	if next == "" || next[0] != '/' || len(next) > 2048 {
		return home
	}
	if unsafeInPath(next) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	// The decoded path must be safe too: a browser or a proxy may decode it before using it.
	if unsafeInPath(u.Path) || unsafeInPath(u.RawQuery) || strings.HasPrefix(u.Path, "//") {
		return home
	}
	clean := path.Clean(u.Path)
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return home
	}
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	out := (&url.URL{Path: clean}).EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	if strings.HasPrefix(out, "//") || !strings.HasPrefix(out, "/") {
		return home
	}
	return out
}

// unsafeInPath reports a control character, a space, a backslash, or a second leading slash.
func unsafeInPath(s string) bool {
	if strings.HasPrefix(s, "//") || strings.HasPrefix(s, `/\`) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return true
		}
	}
	// Percent-encoded forms of the same (%09, %5C, %2F%2F at the start) are refused as well.
	if dec, err := url.PathUnescape(s); err == nil && dec != s {
		return unsafeInPath(dec)
	} else if err != nil {
		return true
	}
	return false
}
