package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func request(remote string, header map[string]string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	for k, v := range header {
		r.Header.Add(k, v)
	}
	return r
}

func TestResolveBelievesOnlyTrustedProxies(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7 ,2001:db8:1::/48")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		remote string
		header map[string]string
		addr   string
		secure bool
	}{
		{"no proxy", "203.0.113.5:4000", nil, "203.0.113.5", false},
		{"untrusted peer's header ignored", "203.0.113.5:4000", map[string]string{"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}, "203.0.113.5", false},
		{"trusted proxy", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}, "198.51.100.1", true},
		{"client-written entries on the left are not believed", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}, "198.51.100.1", false},
		{"trusted hops skipped right to left", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.1, 192.0.2.7, 10.9.9.9"}, "198.51.100.1", false},
		{"several header lines", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1", false},
		{"garbage stops the walk", "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "198.51.100.1, nonsense, 10.2.2.2"}, "10.2.2.2", false},
		{"no header behind a proxy: the proxy", "10.1.2.3:4000", nil, "10.1.2.3", false},
		{"Forwarded", "10.1.2.3:4000", map[string]string{"Forwarded": `for=1.2.3.4, for="[2001:db8:2::9]:4711";proto=https`}, "2001:db8:2::9", true},
		{"Forwarded wins over X-Forwarded-For", "10.1.2.3:4000", map[string]string{"Forwarded": "for=198.51.100.8", "X-Forwarded-For": "198.51.100.9"}, "198.51.100.8", false},
		{"IPv6 proxy", "[2001:db8:1::5]:4000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1", false},
		{"mapped IPv4 peer", "[::ffff:10.1.2.3]:4000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1", false},
		{"proxy's proto wins", "10.1.2.3:4000", map[string]string{"X-Forwarded-Proto": "https, http"}, "10.1.2.3", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := proxies.Resolve(request(c.remote, c.header))
			if got.Addr != netip.MustParseAddr(c.addr) || got.Secure != c.secure {
				t.Fatalf("Resolve = %v secure=%v, want %s secure=%v", got.Addr, got.Secure, c.addr, c.secure)
			}
		})
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Fatal("a bad CIDR accepted")
	}
}

func TestSourceIsTheResolvedClient(t *testing.T) {
	proxies, _ := ParseProxies("127.0.0.1")
	a := request("127.0.0.1:1", map[string]string{"X-Forwarded-For": "198.51.100.1"})
	b := request("127.0.0.1:2", map[string]string{"X-Forwarded-For": "198.51.100.2"})
	a = a.WithContext(WithClient(a.Context(), proxies.Resolve(a)))
	b = b.WithContext(WithClient(b.Context(), proxies.Resolve(b)))
	if Source(a) == Source(b) {
		t.Fatalf("two reporters behind one proxy share the throttle key %v", Source(a))
	}
	if Source(a) != netip.MustParsePrefix("198.51.100.1/32") {
		t.Fatalf("Source = %v", Source(a))
	}
	v6 := request("[2001:db8::1]:1", nil)
	if Source(v6) != netip.MustParsePrefix("2001:db8::/64") {
		t.Fatalf("an IPv6 source is %v, want its /64", Source(v6))
	}
}

func TestCookiesAreSecureOverTLS(t *testing.T) {
	for _, c := range []struct {
		name   string
		r      *http.Request
		secure bool
	}{
		{"plain", request("203.0.113.5:1", nil), false},
		{"direct TLS", func() *http.Request { r := request("203.0.113.5:1", nil); r.TLS = &tls.ConnectionState{}; return r }(), true},
		{"trusted proxy over https", func() *http.Request {
			r := request("127.0.0.1:1", map[string]string{"X-Forwarded-Proto": "https"})
			proxies, _ := ParseProxies("127.0.0.0/8")
			return r.WithContext(WithClient(r.Context(), proxies.Resolve(r)))
		}(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			SetLanguage(w, c.r, "ja")
			ClearCookie(w, c.r, "s", "/follow-up", http.SameSiteStrictMode)
			for _, line := range w.Result().Header.Values("Set-Cookie") {
				if strings.Contains(line, "; Secure") != c.secure || !strings.Contains(line, "HttpOnly") {
					t.Errorf("Set-Cookie %q: want Secure=%v and HttpOnly", line, c.secure)
				}
			}
		})
	}
}

// FuzzForwardedFor: the parser never panics, gives only valid addresses, and the client it
// resolves is either the peer or one of those addresses.
func FuzzForwardedFor(f *testing.F) {
	f.Add("198.51.100.1, 10.0.0.1", "", "https")
	f.Add("", `for=1.2.3.4;proto=https, for="[2001:db8::1]:80"`, "")
	f.Add("garbage,,, [::1]:x", "for=;;;", "http,https")
	proxies, _ := ParseProxies("10.0.0.0/8,127.0.0.1")
	f.Fuzz(func(t *testing.T, xff, forwarded, proto string) {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		if forwarded != "" {
			h.Set("Forwarded", forwarded)
		}
		if proto != "" {
			h.Set("X-Forwarded-Proto", proto)
		}
		hops, _ := ForwardedFor(h)
		for _, a := range hops {
			if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
				t.Fatalf("hop %v from %q / %q", a, xff, forwarded)
			}
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:9"
		r.Header = h
		c := proxies.Resolve(r)
		found := c.Addr == netip.MustParseAddr("127.0.0.1")
		for _, a := range hops {
			found = found || a == c.Addr
		}
		if !found {
			t.Fatalf("client %v is neither the peer nor a hop of %v", c.Addr, hops)
		}
		if !SourceOf(c.Addr).IsValid() {
			t.Fatalf("no source for %v", c.Addr)
		}
	})
}
