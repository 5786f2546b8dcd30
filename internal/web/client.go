package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Client is what the server knows of the far end of a request: its address (the peer's, or the
// one a trusted proxy reported) and whether it reached us over TLS. The server's middleware
// puts it in the request's context (WithClient); handlers read it through Source and Secure.
type Client struct {
	Addr   netip.Addr
	Secure bool
}

type clientKey struct{}

// WithClient returns ctx carrying c.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientOf is the request's client: the one the middleware recorded, else the TCP peer.
func ClientOf(r *http.Request) Client {
	if c, ok := r.Context().Value(clientKey{}).(Client); ok {
		return c
	}
	return Client{Addr: PeerAddr(r), Secure: r.TLS != nil}
}

// Secure reports whether the request reached us over TLS, directly or through a trusted proxy.
func Secure(r *http.Request) bool { return ClientOf(r).Secure }

// PeerAddr is the address of the TCP peer (a proxy, when there is one).
func PeerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap().WithZone("")
}

// Proxies is the set of networks whose forwarding headers are believed.
type Proxies []netip.Prefix

// ParseProxies reads a comma- or space-separated list of CIDRs or single addresses
// ("10.0.0.0/8, 127.0.0.1").
func ParseProxies(list string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
			}
			a = a.Unmap()
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %v", f, err)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

// Trusted reports whether a is one of the proxies.
func (ps Proxies) Trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Resolve finds the client of r. Forwarding headers are read only when the TCP peer is a trusted
// proxy: then the client is the right-most address of X-Forwarded-For (or of Forwarded's for=)
// that is not itself a trusted proxy, since every hop appends and only our own proxies' entries
// can be believed; addresses further left were written by the client and may be anything.
// Secure comes from TLS on our own connection, or from the trusted proxy's X-Forwarded-Proto
// (or Forwarded's proto=).
func (ps Proxies) Resolve(r *http.Request) Client {
	peer := PeerAddr(r)
	c := Client{Addr: peer, Secure: r.TLS != nil}
	if len(ps) == 0 || !peer.IsValid() || !ps.Trusted(peer) {
		return c
	}
	hops, proto := ForwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		c.Addr = hops[i]
		if !ps.Trusted(hops[i]) {
			break
		}
	}
	if strings.EqualFold(proto, "https") {
		c.Secure = true
	}
	return c
}

// ForwardedFor parses the forwarding headers: the hop addresses, left (client) to right (nearest
// proxy), and the protocol the nearest proxy was reached by. Forwarded (RFC 7239) wins over
// X-Forwarded-For when both are present. An unparseable entry ends the list read so far from the
// right: what lies left of it cannot be told apart from a forgery.
func ForwardedFor(h http.Header) (hops []netip.Addr, proto string) {
	if fw := h.Values("Forwarded"); len(fw) > 0 {
		var fors []string
		for _, line := range fw {
			for _, elem := range strings.Split(line, ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if !ok {
						continue
					}
					v = strings.Trim(strings.TrimSpace(v), `"`)
					switch strings.ToLower(strings.TrimSpace(k)) {
					case "for":
						fors = append(fors, v)
					case "proto":
						proto = v
					}
				}
			}
		}
		return parseHops(fors), proto
	}
	var list []string
	for _, line := range h.Values("X-Forwarded-For") {
		list = append(list, strings.Split(line, ",")...)
	}
	if p := h.Values("X-Forwarded-Proto"); len(p) > 0 {
		parts := strings.Split(p[len(p)-1], ",")
		proto = strings.TrimSpace(parts[len(parts)-1])
	}
	return parseHops(list), proto
}

// parseHops keeps the valid addresses to the right of the last entry that is not one.
func parseHops(list []string) []netip.Addr {
	var hops []netip.Addr
	for i := len(list) - 1; i >= 0; i-- {
		a, ok := parseHop(strings.TrimSpace(list[i]))
		if !ok {
			break
		}
		hops = append(hops, a)
	}
	for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
		hops[i], hops[j] = hops[j], hops[i]
	}
	return hops
}

// parseHop reads "203.0.113.5", "203.0.113.5:4711", "[2001:db8::1]:4711" or "2001:db8::1".
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// Source is the budget key of a request: its client's IPv4 address or IPv6 /64 (SourceOf), the
// client being the one a trusted proxy reported when there is one (ClientOf).
func Source(r *http.Request) netip.Prefix {
	return SourceOf(ClientOf(r).Addr)
}

// SourceOf is the throttling key of an address: an IPv4 address or an IPv6 /64, since one host
// usually holds a whole /64.
func SourceOf(addr netip.Addr) netip.Prefix {
	if !addr.IsValid() {
		return netip.Prefix{}
	}
	addr = addr.Unmap().WithZone("")
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}

// SetCookie sets c with the attributes every cookie of ours has: HttpOnly, Path "/" unless
// given, SameSite Lax unless given, and Secure whenever the request came over TLS (directly or
// through a trusted proxy), so that a cookie set over HTTPS is never sent back in clear.
func SetCookie(w http.ResponseWriter, r *http.Request, c *http.Cookie) {
	c.HttpOnly = true
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == http.SameSiteDefaultMode {
		c.SameSite = http.SameSiteLaxMode
	}
	c.Secure = Secure(r)
	http.SetCookie(w, c)
}

// ClearCookie removes the cookie name set at path.
func ClearCookie(w http.ResponseWriter, r *http.Request, name, path string, sameSite http.SameSite) {
	SetCookie(w, r, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, Expires: time.Unix(1, 0), SameSite: sameSite})
}
