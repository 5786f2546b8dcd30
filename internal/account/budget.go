package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// SignInPolicy bounds failed sign-ins (wrong passwords and wrong second-factor codes) with
// budgets kept in the store, so every instance on one database spends the same ones. A try is
// reserved before any hashing and given back when it succeeds: only failures cost anything.
//
// Each budget binds someone different. Pair binds one account from one source (IPv4 address or
// IPv6 /64), so somebody else's failures never touch a user at a clean address. Source and Wide
// bind one source, or its /24 or /48, whichever accounts it tries. Account and Global bind
// every source at once — one account, and every account — which a patient attacker with many
// addresses can keep empty; a browser that signed in to the account before carries a device
// cookie and is bound by Device instead of those two, so such an attacker shuts out at most a
// browser that has never signed in there. Second-factor codes also draw on Code, one account's
// budget for codes from anywhere: six digits need a tighter bound than a password. The
// arithmetic is in docs/operating.md ("Staff sign-in").
type SignInPolicy struct {
	Pair, Device    web.Limit
	Source, Wide    web.Limit
	Account, Global web.Limit
	Code            web.Limit
}

// DefaultSignInPolicy: see docs/operating.md for what each number buys.
var DefaultSignInPolicy = SignInPolicy{
	Pair:    web.Limit{Burst: 5, Per: time.Minute},
	Device:  web.Limit{Burst: 5, Per: time.Minute},
	Source:  web.Limit{Burst: 20, Per: 30 * time.Second},
	Wide:    web.Limit{Burst: 100, Per: 6 * time.Second},
	Account: web.Limit{Burst: 50, Per: time.Minute},
	Global:  web.Limit{Burst: 1000, Per: 500 * time.Millisecond},
	Code:    web.Limit{Burst: 10, Per: 15 * time.Minute},
}

// DeviceCookie marks a browser that signed in to an account, second factor and all. It opens
// nothing: it only lets that browser's tries at that account draw on their own budget.
const DeviceCookie = "remedy_device"

const deviceCookieAge = 400 * 24 * time.Hour

// signInKey is how an email address is counted: the same for every spelling of it.
func signInKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// attempt is a reserved sign-in try.
type attempt struct {
	buckets []store.Bucket
	known   bool // the browser has a device cookie for the account
}

// reserve takes one password try at email for the request from the budgets. When refused it
// answers how long until a try would be allowed.
func (h *Handler) reserve(ctx context.Context, r *http.Request, email string) (attempt, time.Duration, error) {
	return h.reserveTry(ctx, r, email, false)
}

// reserveCode is reserve for a second-factor code.
func (h *Handler) reserveCode(ctx context.Context, r *http.Request, email string) (attempt, time.Duration, error) {
	return h.reserveTry(ctx, r, email, true)
}

func (h *Handler) reserveTry(ctx context.Context, r *http.Request, email string, code bool) (attempt, time.Duration, error) {
	email = signInKey(email)
	p := h.Policy
	account := h.store.Keys().AccountHash(email)
	var buckets []store.Bucket
	nonce, known := h.device(r, email)
	if known {
		buckets = []store.Bucket{p.Device.Bucket(append(append([]byte("signin:device:"), account...), nonce...))}
	} else {
		buckets = append(web.SourceBuckets(h.store, "signin:pair:"+string(account), web.Source(r), p.Pair, web.Limit{}),
			p.Account.Bucket(append([]byte("signin:account:"), account...)),
			p.Global.Bucket([]byte("signin:all")))
	}
	buckets = append(buckets, web.SourceBuckets(h.store, "signin", web.Source(r), p.Source, p.Wide)...)
	if code {
		buckets = append(buckets, p.Code.Bucket(append([]byte("signin:code:"), account...)))
	}
	b, err := h.store.TakeBudget(ctx, 1, buckets...)
	if err != nil || !b.OK {
		return attempt{}, b.Retry, err
	}
	return attempt{buckets: buckets, known: known}, 0, nil
}

// succeeded gives a try back: it was right.
func (h *Handler) succeeded(ctx context.Context, a attempt) error {
	if len(a.buckets) == 0 {
		return nil
	}
	return h.store.ReturnBudget(ctx, 1, a.buckets...)
}

// device answers the nonce of the request's device cookie when it was made for email.
func (h *Handler) device(r *http.Request, email string) ([]byte, bool) {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return nil, false
	}
	nonce, sum, ok := strings.Cut(c.Value, ".")
	mac, err := hex.DecodeString(sum)
	if !ok || len(nonce) != 32 || err != nil || !hmac.Equal(mac, h.store.Keys().DeviceMAC(email, nonce)) {
		return nil, false
	}
	return []byte(nonce), true
}

// trustDevice gives the browser a device cookie for email once it is signed in: never on the
// password alone when a second factor follows, or whoever knows the password could mint cookies
// and with them budgets for guessing codes.
func (h *Handler) trustDevice(w http.ResponseWriter, r *http.Request, email string) {
	email = signInKey(email)
	if _, ok := h.device(r, email); ok {
		return
	}
	var b [16]byte
	rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	web.SetCookie(w, r, &http.Cookie{Name: DeviceCookie, Value: nonce + "." + hex.EncodeToString(h.store.Keys().DeviceMAC(email, nonce)),
		Path: "/staff", MaxAge: int(deviceCookieAge / time.Second), SameSite: http.SameSiteStrictMode})
}

// refuse answers a try the budgets refused, with when to try again.
func refuseRetry(w http.ResponseWriter, retry time.Duration) {
	w.Header().Set("Retry-After", web.Decision{Retry: retry}.RetryAfter())
}
