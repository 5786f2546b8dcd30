// Package server assembles the web surfaces and the API on one standard net/http mux and runs
// them with graceful shutdown.
package server

import (
	"context"
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
func Routes(s *store.Store, log *slog.Logger) *Router {
	r := &Router{ServeMux: http.NewServeMux()}
	guard := web.NewGuard(s, web.DefaultGuardPolicy) // budgets shared through the store
	r.HandleFunc("GET /healthz", health(s))
	r.Handle("GET /static/", web.Static())
	render := web.NewRenderer(log)
	api.New(s, log, guard).Register(r)
	intake.New(s, render, guard, log).Register(r)
	accounts := account.New(s, render, nil, log)
	accounts.Register(r)
	desk.New(s, render, accounts).Register(r)
	member.New(s, render, accounts).Register(r)
	expert.New(s, render, accounts).Register(r)
	admin.New(s, render, accounts).Register(r)
	transparency.New(s, render, accounts, log).Register(r)
	return r
}

// New returns the whole application as one handler. Cross-origin protection refuses
// state-changing requests that a browser marks as coming from another site (CSRF), while
// server-to-server API clients, which send no such headers, pass.
func New(s *store.Store, log *slog.Logger) http.Handler {
	csrf := http.NewCrossOriginProtection()
	return recoverPanics(log, logRequests(log, secureHeaders(csrf.Handler(Routes(s, log)))))
}

func health(s *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		if err := s.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	}
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
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "(no route)"
		}
		log.Info("request", "route", route, "status", rec.status, "ms", time.Since(start).Milliseconds())
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic while serving", "route", r.Pattern)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Run serves h on ln until ctx ends, then lets in-flight requests finish (up to grace).
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // slow connections uploading evidence
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(addressScrubber{}, "", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
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
