package server

import (
	"runtime"
	"time"

	"github.com/remedy-grievance/remedy/internal/admin"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Options are the operator's settings for how the server meets the network. The zero value is
// usable (no trusted proxies, no data folder check); DefaultOptions gives the serving defaults.
type Options struct {
	// PublicURL is the platform's address as its users reach it (https://remedy.example.org): the
	// set-up links shown to admins and handlers start with it. Empty: the request's own host.
	PublicURL string

	// DataDir is checked by readiness: writable, with at least MinFreeBytes free.
	DataDir      string
	MinFreeBytes uint64

	// TrustedProxies are the peers whose X-Forwarded-For / Forwarded and X-Forwarded-Proto are
	// believed (web.Proxies.Resolve).
	TrustedProxies web.Proxies

	// Body bounds uploads (minimum rate) and each request's own work (web.GuardBody).
	Body web.BodyPolicy

	// Bodies larger than LargeBody bytes (or of unknown length) draw their declared size from a
	// budget of LargeBodyBudget bytes; a request that cannot get its share within LargeBodyWait
	// answers 503 with Retry-After, so that a few large bodies at once cannot exhaust memory.
	LargeBody       int64
	LargeBodyBudget int64
	LargeBodyWait   time.Duration

	// Guard is what strangers may spend guessing receipts and filing reports; the zero value is
	// web.DefaultGuardPolicy.
	Guard web.GuardPolicy

	// Mail is the mail configuration the admin's settings page shows and tests (the worker that
	// delivers the outbox runs beside the server: notify.Worker).
	Mail admin.Mail
}

func (o Options) guardPolicy() web.GuardPolicy {
	if o.Guard == (web.GuardPolicy{}) {
		return web.DefaultGuardPolicy
	}
	return o.Guard
}

// DefaultOptions are the serving defaults.
func DefaultOptions() Options {
	return Options{
		MinFreeBytes:    256 << 20,
		Body:            web.DefaultBodyPolicy,
		LargeBody:       1 << 20,
		LargeBodyBudget: int64(max(2, runtime.GOMAXPROCS(0))) * 40 << 20,
		LargeBodyWait:   10 * time.Second,
		Guard:           web.DefaultGuardPolicy,
	}
}
