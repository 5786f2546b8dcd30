package server

import (
	"context"
	"log/slog"
	"net/http"
)

// The middleware in front of the mux passes on requests with new contexts, so the pattern the
// mux matched is carried back to the outer middleware (the request log) through a slot.
type routeSlot struct{ pattern string }

type routeKey struct{}

// withRoute gives r a slot for its route; the returned value logs as the route's pattern.
func withRoute(r *http.Request) (*http.Request, *routeSlot) {
	if slot, ok := r.Context().Value(routeKey{}).(*routeSlot); ok {
		return r, slot
	}
	slot := &routeSlot{}
	return r.WithContext(context.WithValue(r.Context(), routeKey{}, slot)), slot
}

func (s *routeSlot) LogValue() slog.Value {
	if s.pattern == "" {
		return slog.StringValue("(no route)")
	}
	return slog.StringValue(s.pattern)
}

// recordRoute fills the slot with the pattern the mux matched.
func recordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if slot, ok := r.Context().Value(routeKey{}).(*routeSlot); ok {
				slot.pattern = r.Pattern
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func routeOf(r *http.Request) string {
	if slot, ok := r.Context().Value(routeKey{}).(*routeSlot); ok && slot.pattern != "" {
		return slot.pattern
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	return "(no route)"
}
