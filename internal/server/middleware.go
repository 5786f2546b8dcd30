package server

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/web"
)

// clientInfo records who the request came from (through a trusted proxy or not) and whether it
// came over TLS, for web.Source, cookies and HSTS.
func clientInfo(proxies web.Proxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(web.WithClient(r.Context(), proxies.Resolve(r))))
	})
}

// hsts tells browsers that reached us over HTTPS to never come back in clear.
func hsts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.Secure(r) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// guardBodies puts every request under the body policy (minimum upload rate, bounded work) and
// makes large bodies wait for a share of the memory budget.
func guardBodies(o Options, next http.Handler) http.Handler {
	budget := newByteBudget(o.LargeBodyBudget)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.LargeBodyBudget > 0 && r.Body != nil && r.Body != http.NoBody && (r.ContentLength < 0 || r.ContentLength > o.LargeBody) {
			size := r.ContentLength
			if size < 0 || size > o.LargeBodyBudget {
				size = o.LargeBodyBudget / 2 // unknown length: charged as a large body
			}
			src := web.Source(r)
			ctx, cancel := context.WithTimeout(r.Context(), o.LargeBodyWait)
			ok := budget.acquire(ctx, src, size)
			cancel()
			if !ok {
				busy(w, r)
				return
			}
			defer budget.release(src, size)
		}
		r, release := web.GuardBody(w, r, o.Body)
		defer release()
		next.ServeHTTP(w, r)
	})
}

// busy answers 503 with Retry-After in the reader's language: JSON on the API, text elsewhere.
func busy(w http.ResponseWriter, r *http.Request) {
	lang := web.RequestLanguage(r)
	msg := locale.T(lang, "error.unavailable")
	w.Header().Set("Retry-After", strconv.Itoa(web.RetryAfter))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Connection", "close") // the unread body is not worth reading
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":` + strconv.Quote(msg) + `,"code":"unavailable"}` + "\n"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(msg + "\n"))
}

// byteBudget is a weighted semaphore: bytes of large bodies being handled at once. One source
// may hold at most a quarter of it (or one body of any size), so that a host sending large bodies
// slowly cannot keep everybody else's uploads waiting.
type byteBudget struct {
	mu       sync.Mutex
	free     int64
	perSrc   int64
	bySource map[netip.Prefix]int64
	freed    chan struct{} // closed and replaced at every release, waking the waiters
}

func newByteBudget(n int64) *byteBudget {
	return &byteBudget{free: n, perSrc: n / 4, bySource: map[netip.Prefix]int64{}, freed: make(chan struct{})}
}

func (b *byteBudget) acquire(ctx context.Context, src netip.Prefix, n int64) bool {
	for {
		b.mu.Lock()
		held := b.bySource[src]
		if b.free >= n && (held == 0 || held+n <= b.perSrc) {
			b.free -= n
			b.bySource[src] = held + n
			b.mu.Unlock()
			return true
		}
		wake := b.freed
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return false
		}
	}
}

func (b *byteBudget) release(src netip.Prefix, n int64) {
	b.mu.Lock()
	b.free += n
	if b.bySource[src] -= n; b.bySource[src] <= 0 {
		delete(b.bySource, src)
	}
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}
