package account

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/netip"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/web"
)

// LoginPolicy bounds failed sign-ins (wrong passwords and wrong second-factor codes). Only
// failures count: a person who types their password right is never slowed.
type LoginPolicy struct {
	Account web.ThrottlePolicy // per email address, known or not
	Source  web.ThrottlePolicy // per IPv4 address or IPv6 /64, with a budget across all sources
}

// DefaultLoginPolicy: 5 failures for an account, then one a minute, from wherever they come
// (so spreading guesses over many addresses does not help); 20 failures from a source, then one
// every 30 seconds, whichever accounts they aim at (so trying one password on many accounts
// does not help either); and 1,000 failures across all sources, then one a second, during
// which only sources with no recent failure are served.
var DefaultLoginPolicy = LoginPolicy{
	Account: web.ThrottlePolicy{SourceBurst: 5, SourceRefill: time.Minute, GlobalBurst: 1 << 40, GlobalRefill: time.Nanosecond, MaxSources: 100_000},
	Source:  web.ThrottlePolicy{SourceBurst: 20, SourceRefill: 30 * time.Second, GlobalBurst: 1000, GlobalRefill: time.Second, MaxSources: 100_000},
}

// LoginThrottle is the sign-in throttle, kept in memory only. It reuses web.Throttle for both
// keys: web.Throttle counts per network prefix, so an account is counted under a /128 "prefix"
// made from a keyed hash of its lower-cased email. The key is random per process, so the
// throttle never holds an address in clear and its keys mean nothing outside it.
type LoginThrottle struct {
	accounts, sources *web.Throttle
	key               [32]byte
}

// NewLoginThrottle makes a throttle with a clock (time.Now in production).
func NewLoginThrottle(p LoginPolicy, now func() time.Time) *LoginThrottle {
	t := &LoginThrottle{accounts: web.NewThrottle(p.Account, now), sources: web.NewThrottle(p.Source, now)}
	rand.Read(t.key[:])
	return t
}

func (t *LoginThrottle) account(email string) netip.Prefix {
	m := hmac.New(sha256.New, t.key[:])
	m.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	var a [16]byte
	copy(a[:], m.Sum(nil))
	return netip.PrefixFrom(netip.AddrFrom16(a), 128)
}

// Allow says whether a sign-in for email from source may be tried now.
func (t *LoginThrottle) Allow(email string, source netip.Prefix) bool {
	// Both are asked every time, so neither answer's timing tells whether the other refused.
	a := t.accounts.Allow(t.account(email))
	s := t.sources.Allow(source)
	return a && s
}

// Fail charges a failed attempt to the account and the source.
func (t *LoginThrottle) Fail(email string, source netip.Prefix) {
	t.accounts.Fail(t.account(email))
	t.sources.Fail(source)
}
