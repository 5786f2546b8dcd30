package web

import (
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// ThrottlePolicy bounds failed receipt logins. Only failures cost anything, so an honest reporter
// who types their receipt right is never slowed. Each source (an IPv4 address or an IPv6 /64)
// has a small budget that refills slowly; a global budget caps guessing from many sources at once,
// and while it is spent only sources with no recent failure are served.
type ThrottlePolicy struct {
	SourceBurst  float64       // failures a source may make in a row
	SourceRefill time.Duration // one more failure allowed after this long
	GlobalBurst  float64
	GlobalRefill time.Duration
	MaxSources   int // memory bound; full buckets are forgotten first
}

// DefaultThrottlePolicy: 10 failures, then one a minute per source; 2,000 failures, then one
// every 2 seconds across all sources. With 16-digit receipts and a million cases, one guess
// succeeds with probability 10⁻¹⁰, so even the global rate needs millennia on average.
var DefaultThrottlePolicy = ThrottlePolicy{
	SourceBurst: 10, SourceRefill: time.Minute,
	GlobalBurst: 2000, GlobalRefill: 2 * time.Second,
	MaxSources: 100_000,
}

type bucket struct {
	tokens float64
	at     time.Time
}

func (b *bucket) fill(now time.Time, burst float64, refill time.Duration) {
	b.tokens += float64(now.Sub(b.at)) / float64(refill)
	if b.tokens > burst {
		b.tokens = burst
	}
	b.at = now
}

// Throttle tracks failed attempts per source. Sources are kept only in memory, as prefixes, and
// never logged.
type Throttle struct {
	policy  ThrottlePolicy
	now     func() time.Time
	mu      sync.Mutex
	sources map[netip.Prefix]*bucket
	global  bucket
}

// NewThrottle makes a throttle with a clock (time.Now in production).
func NewThrottle(p ThrottlePolicy, now func() time.Time) *Throttle {
	return &Throttle{policy: p, now: now, sources: map[netip.Prefix]*bucket{}, global: bucket{tokens: p.GlobalBurst, at: now()}}
}

// Allow says whether source may try a receipt now.
func (t *Throttle) Allow(source netip.Prefix) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.global.fill(now, t.policy.GlobalBurst, t.policy.GlobalRefill)
	b, seen := t.sources[source]
	if !seen {
		return true // no recent failure
	}
	b.fill(now, t.policy.SourceBurst, t.policy.SourceRefill)
	if b.tokens < 1 {
		return false
	}
	// While the global budget is spent, only sources whose record is clean again are served.
	return t.global.tokens >= 1 || b.tokens >= t.policy.SourceBurst
}

// Fail charges source (and the global budget) for a wrong receipt.
func (t *Throttle) Fail(source netip.Prefix) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	b, seen := t.sources[source]
	if !seen {
		if len(t.sources) >= t.policy.MaxSources {
			t.forgetRested(now)
		}
		b = &bucket{tokens: t.policy.SourceBurst, at: now}
		t.sources[source] = b
	}
	b.fill(now, t.policy.SourceBurst, t.policy.SourceRefill)
	b.tokens--
	t.global.fill(now, t.policy.GlobalBurst, t.policy.GlobalRefill)
	if t.global.tokens > 0 {
		t.global.tokens--
	}
}

// forgetRested drops sources whose budget has refilled; if none has, it drops them all rather
// than grow without bound (an attacker with that many addresses is capped by the global budget).
func (t *Throttle) forgetRested(now time.Time) {
	for k, b := range t.sources {
		b.fill(now, t.policy.SourceBurst, t.policy.SourceRefill)
		if b.tokens >= t.policy.SourceBurst {
			delete(t.sources, k)
		}
	}
	if len(t.sources) >= t.policy.MaxSources {
		clear(t.sources)
	}
}

// Source is the throttling key of a request: its client's IPv4 address or IPv6 /64 (SourceOf),
// the client being the one a trusted proxy reported when there is one (ClientOf).
func Source(r *http.Request) netip.Prefix {
	return SourceOf(ClientOf(r).Addr)
}
