package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrSlowUpload is the error a guarded body gives once its sender fell below the minimum rate.
var ErrSlowUpload = errors.New("upload too slow: the connection was cut")

// ErrRequestTimeout is the cause of a request context that ran out of time for its own work.
var ErrRequestTimeout = errors.New("request took too long")

// BodyPolicy bounds how a request may use a connection.
type BodyPolicy struct {
	// MinRate is the slowest upload kept, in bytes a second averaged from the start of the
	// body; it is first enforced after Grace. A sender below it is cut (ErrSlowUpload) instead of
	// holding a connection and a file descriptor for minutes. 0 turns the check off.
	MinRate int64
	Grace   time.Duration
	// Work bounds the request's own work: its context ends (cause ErrRequestTimeout) when this
	// long passes with no progress on the body, so a frozen database cannot hold a request for
	// as long as it is frozen. A slow upload that keeps the rate never runs out. 0: no bound.
	Work time.Duration
	// Write is the time the response has to be written once the body is in.
	Write time.Duration
}

// DefaultBodyPolicy keeps a reporter on a poor mobile connection (2 KB/s is slow GPRS) and cuts
// a connection that trickles a body to hold the server's resources.
var DefaultBodyPolicy = BodyPolicy{MinRate: 2 << 10, Grace: 20 * time.Second, Work: 30 * time.Second, Write: 2 * time.Minute}

const rateSlack = 5 * time.Second

type guardKey struct{}

type guardState struct{ cut atomic.Bool }

// UploadCut reports whether the request's body was cut for being too slow.
func UploadCut(r *http.Request) bool {
	st, ok := r.Context().Value(guardKey{}).(*guardState)
	return ok && st.cut.Load()
}

// Detached is a context for answering a request whose connection has been cut (its own context
// has ended with it): it keeps the request's values and gets its own short bound.
func Detached(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
}

// GuardBody applies p to r: the body is read under the minimum rate (through read deadlines on
// the connection, so a sender who sends nothing is cut too) and the context under the work
// bound. The returned function releases the guard when the handler is done.
func GuardBody(w http.ResponseWriter, r *http.Request, p BodyPolicy) (*http.Request, func()) {
	st := &guardState{}
	ctx, cancel := context.WithCancelCause(context.WithValue(r.Context(), guardKey{}, st))
	var timer *time.Timer
	if p.Work > 0 {
		timer = time.AfterFunc(p.Work, func() { cancel(ErrRequestTimeout) })
	}
	r = r.WithContext(ctx)
	ctl := http.NewResponseController(w)
	if r.Body != nil && r.Body != http.NoBody {
		g := &guardedBody{ReadCloser: r.Body, ctl: ctl, policy: p, st: st, timer: timer, start: time.Now()}
		if p.MinRate > 0 {
			ctl.SetReadDeadline(g.start.Add(p.Grace))
		}
		r.Body = g
	}
	return r, func() {
		if timer != nil {
			timer.Stop()
		}
		cancel(nil)
	}
}

type guardedBody struct {
	io.ReadCloser
	ctl    *http.ResponseController
	policy BodyPolicy
	st     *guardState
	timer  *time.Timer
	start  time.Time

	mu      sync.Mutex
	n       int64
	lastSet time.Time
	done    bool
}

func (g *guardedBody) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return n, err
	}
	g.n += int64(n)
	now := time.Now()
	if n > 0 || err == io.EOF {
		if g.timer != nil {
			g.timer.Reset(g.policy.Work)
		}
	}
	switch {
	case err == io.EOF:
		g.done = true
		g.ctl.SetReadDeadline(time.Time{})
		if g.policy.Write > 0 {
			g.ctl.SetWriteDeadline(now.Add(g.policy.Write))
		}
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		g.done = true
		g.st.cut.Store(true)
		return n, ErrSlowUpload
	case n > 0 && g.policy.MinRate > 0 && now.Sub(g.lastSet) >= 250*time.Millisecond:
		// The body may go quiet until the moment its average would fall below the rate.
		g.lastSet = now
		// A few seconds of slack, so that a sender right at the rate is not cut by the gap
		// between two packets.
		allowed := time.Duration(float64(g.n)/float64(g.policy.MinRate)*float64(time.Second)) + rateSlack
		if allowed < g.policy.Grace {
			allowed = g.policy.Grace
		}
		g.ctl.SetReadDeadline(g.start.Add(allowed))
		if g.policy.Write > 0 {
			g.ctl.SetWriteDeadline(g.start.Add(allowed).Add(g.policy.Write))
		}
	}
	return n, err
}
