package server

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/remedy-grievance/remedy/internal/web"
)

// ConnLimits cap the connections a listener keeps open: in all, and per source (an IPv4 address
// or an IPv6 /64, as web.SourceOf). Exempt peers (the trusted proxies, which carry everybody's
// connections) count towards Total only. A connection over a cap is closed as soon as it is
// accepted, so that one host cannot hold the process's file descriptors.
type ConnLimits struct {
	Total     int
	PerSource int
	Exempt    web.Proxies
}

// LimitedListener is a net.Listener under ConnLimits.
type LimitedListener struct {
	net.Listener
	limits ConnLimits

	mu       sync.Mutex
	open     int
	bySource map[netip.Prefix]int
	refused  atomic.Int64
}

// LimitListener wraps ln with l.
func LimitListener(ln net.Listener, l ConnLimits) *LimitedListener {
	return &LimitedListener{Listener: ln, limits: l, bySource: map[netip.Prefix]int{}}
}

// Accept returns the next connection within the caps, closing those over them.
func (l *LimitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := peerOf(c)
		src := web.SourceOf(addr)
		exempt := l.limits.Exempt.Trusted(addr)
		l.mu.Lock()
		over := (l.limits.Total > 0 && l.open >= l.limits.Total) ||
			(!exempt && l.limits.PerSource > 0 && l.bySource[src] >= l.limits.PerSource)
		if !over {
			l.open++
			if !exempt {
				l.bySource[src]++
			}
		}
		l.mu.Unlock()
		if over {
			l.refused.Add(1)
			c.Close()
			continue
		}
		return &limitedConn{Conn: c, release: func() { l.release(src, exempt) }}, nil
	}
}

func (l *LimitedListener) release(src netip.Prefix, exempt bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if exempt {
		return
	}
	if l.bySource[src]--; l.bySource[src] <= 0 {
		delete(l.bySource, src)
	}
}

// Open is the number of connections held now; Refused counts those closed over a cap.
func (l *LimitedListener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Refused counts the connections closed for being over a cap.
func (l *LimitedListener) Refused() int64 { return l.refused.Load() }

func peerOf(c net.Conn) netip.Addr {
	if tcp, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		a, _ := netip.AddrFromSlice(tcp.IP)
		return a.Unmap()
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
