package server

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// healthBound is how long the readiness check waits for the database.
const healthBound = 2 * time.Second

type router interface {
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
}

// registerHealth adds liveness and readiness. /livez: the process is up and serving (restart it
// if not). /readyz: it can do its work — the database answers within healthBound and the data
// folder is writable with free space above the threshold (send it no traffic if not).
// /healthz is readiness, as the public contract has always said: 200 when the database is
// reachable.
func registerHealth(r router, s *store.Store, o Options) {
	ready := readiness(s, o)
	r.HandleFunc("GET /livez", live)
	r.HandleFunc("GET /readyz", ready)
	r.HandleFunc("GET /healthz", ready)
}

// HealthHandler serves only the health endpoints, for a separate operations listener that
// keeps answering while the public one is at its connection caps.
func HealthHandler(s *store.Store, o Options) http.Handler {
	mux := http.NewServeMux()
	registerHealth(mux, s, o)
	return mux
}

func live(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

func readiness(s *store.Store, o Options) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), healthBound)
		defer cancel()
		if problem := notReady(ctx, s, o); problem != "" {
			w.Header().Set("Retry-After", strconv.Itoa(web.RetryAfter))
			http.Error(w, problem, http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	}
}

// notReady names the first failed check, or "".
func notReady(ctx context.Context, s *store.Store, o Options) string {
	if err := s.Ping(ctx); err != nil {
		return "database unreachable"
	}
	if o.DataDir == "" {
		return ""
	}
	f, err := os.CreateTemp(o.DataDir, ".ready-*")
	if err != nil {
		return "data folder not writable"
	}
	_, err = f.Write([]byte("ready\n"))
	if err == nil {
		err = f.Sync()
	}
	f.Close()
	os.Remove(f.Name())
	if err != nil {
		return "data folder not writable"
	}
	if free, ok := freeBytes(o.DataDir); ok && free < o.MinFreeBytes {
		return "data folder low on space"
	}
	return ""
}
