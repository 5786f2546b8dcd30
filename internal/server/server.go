// Package server assembles the web surfaces and the API on one standard net/http mux and runs
// them with graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/admin"
	"github.com/remedy-grievance/remedy/internal/api"
	"github.com/remedy-grievance/remedy/internal/desk"
	"github.com/remedy-grievance/remedy/internal/expert"
	"github.com/remedy-grievance/remedy/internal/intake"
	"github.com/remedy-grievance/remedy/internal/member"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/transparency"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Router is the standard mux, remembering its patterns.
type Router struct {
	*http.ServeMux
	Patterns []string
}

// HandleFunc registers a handler and records its pattern.
func (r *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	r.Patterns = append(r.Patterns, pattern)
	r.ServeMux.HandleFunc(pattern, h)
}

// Routes builds the router with every surface registered.
func Routes(s *store.Store, log *slog.Logger) *Router { return RoutesWith(s, log, Options{}) }

// RoutesWith is Routes with the operator's options (the readiness checks read DataDir, the
// guard its policy).
func RoutesWith(s *store.Store, log *slog.Logger, o Options) *Router {
	r := &Router{ServeMux: http.NewServeMux()}
	guard := web.NewGuard(s, o.guardPolicy()) // budgets shared through the store
	registerHealth(r, s, o)
	r.Handle("GET /static/", web.Static())
	render := web.NewRenderer(log)
	api.New(s, log, guard).Register(r)
	intake.New(s, render, guard, log).Register(r)
	accounts := account.New(s, render, log)
	accounts.PublicURL = o.PublicURL
	accounts.Register(r)
	desk.New(s, render, accounts).Register(r)
	member.New(s, render, accounts).Register(r)
	expert.New(s, render, accounts).Register(r)
	admin.New(s, render, accounts).WithMail(o.Mail).Register(r)
	transparency.New(s, render, accounts, log).Register(r)
	return r
}

// New returns the whole application as one handler. Cross-origin protection refuses
// state-changing requests that a browser marks as coming from another site (CSRF), while
// server-to-server API clients, which send no such headers, pass.
func New(s *store.Store, log *slog.Logger) http.Handler { return NewWith(s, log, DefaultOptions()) }

// NewWith is New with the operator's options: trusted proxies, body bounds, readiness checks.
// The client is resolved first, so that everything after it (HSTS, cookies, throttles) knows who
// is asking and whether over TLS.
func NewWith(s *store.Store, log *slog.Logger, o Options) http.Handler {
	csrf := http.NewCrossOriginProtection()
	return recoverPanics(log, logRequests(log, clientInfo(o.TrustedProxies, hsts(secureHeaders(guardBodies(o, csrf.Handler(recordRoute(RoutesWith(s, log, o)))))))))
}

// secureHeaders applies to every response: no third-party anything, no inline script, no
// framing, no referrer that could reveal a case page to another site.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests records the route pattern, status and duration. Never the address, the query
// string, the path's own values, headers or bodies: any of them could identify a reporter.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r, route := withRoute(r)
		next.ServeHTTP(rec, r)
		log.Info("request", "route", route, "status", rec.status, "ms", time.Since(start).Milliseconds())
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = withRoute(r)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic while serving", "route", routeOf(r))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Run serves h on ln until ctx ends, then lets in-flight requests finish (up to grace).
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	return RunWith(ctx, ln, h, RunConfig{Grace: grace})
}

// RunConfig says how to serve a listener.
type RunConfig struct {
	Grace time.Duration // for in-flight requests at shutdown
	// TLSCert and TLSKey, both set, serve HTTPS (and HTTP/2) directly.
	TLSCert, TLSKey string
}

// RunWith serves h on ln as cfg says until ctx ends. There is no flat read timeout: bodies are
// held to a minimum rate by the body guard (web.GuardBody) instead, so a slow honest upload
// finishes and a trickling one is cut in seconds, not minutes.
func RunWith(ctx context.Context, ln net.Listener, h http.Handler, cfg RunConfig) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      5 * time.Minute, // moved on by the body guard while a body arrives
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(addressScrubber{}, "", 0),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	errc := make(chan error, 1)
	if cfg.TLSCert != "" && cfg.TLSKey != "" {
		go func() { errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), cfg.Grace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

var addressPattern = regexp.MustCompile(`\[[0-9a-fA-F:.%a-z]+\](:\d+)?|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?`)

// addressScrubber passes net/http's own error lines to slog with any client address removed
// (e.g. "TLS handshake error from 203.0.113.5:5123").
type addressScrubber struct{}

func (addressScrubber) Write(p []byte) (int, error) {
	line := addressPattern.ReplaceAllString(strings.TrimSpace(string(p)), "[address]")
	slog.Warn("http server", "message", line)
	return len(p), nil
}

// Handle registers a handler and records its pattern.
func (r *Router) Handle(pattern string, h http.Handler) {
	r.Patterns = append(r.Patterns, pattern)
	r.ServeMux.Handle(pattern, h)
}
