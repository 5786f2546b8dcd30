package web

import (
	"net/netip"
	"testing"
	"time"
)

func TestThrottleRefillsAndGlobalBudget(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(ThrottlePolicy{SourceBurst: 3, SourceRefill: time.Minute, GlobalBurst: 5, GlobalRefill: time.Hour, MaxSources: 100}, func() time.Time { return now })
	a, b, c := netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("10.0.0.2/32"), netip.MustParsePrefix("10.0.0.3/32")
	for i := 0; i < 3; i++ {
		if !th.Allow(a) {
			t.Fatalf("failure %d refused", i)
		}
		th.Fail(a)
	}
	if th.Allow(a) {
		t.Fatal("a 4th try allowed after 3 failures")
	}
	now = now.Add(time.Minute)
	if !th.Allow(a) {
		t.Fatal("no refill after a minute")
	}
	th.Fail(b)
	th.Fail(b) // the global budget (5) is now spent
	if th.Allow(b) {
		t.Fatal("a source with failures served while the global budget is spent")
	}
	if !th.Allow(c) {
		t.Fatal("a clean source refused while the global budget is spent")
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	now := time.Now()
	th := NewThrottle(ThrottlePolicy{SourceBurst: 3, SourceRefill: time.Minute, GlobalBurst: 1e9, GlobalRefill: time.Second, MaxSources: 50}, func() time.Time { return now })
	for i := 0; i < 500; i++ {
		th.Fail(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32))
	}
	if len(th.sources) > 50 {
		t.Fatalf("%d sources kept, bound is 50", len(th.sources))
	}
}
