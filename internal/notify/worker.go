package notify

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
)

// Config tunes the worker. Zero values take the defaults.
type Config struct {
	Mailer    Mailer        // nil: mail is off; the outbox fills and waits, the clock-driven rules still run
	PublicURL string        // links in mails start with it, e.g. https://remedy.example.org
	Holder    string        // this instance's name for the lease (default: host and process)
	Every     time.Duration // between rounds (15 s)
	SoonDays  int           // "deadline within N days" (3)
	Batch     int           // notifications claimed at once (50)
	Lease     time.Duration // how long the worker's lease lasts without renewal (1 min)
	Claim     time.Duration // how long a claimed notification is this worker's alone (5 min)
	Log       *slog.Logger
}

// LeaseName is the outbox_leases row the worker holds.
const LeaseName = "worker"

// Worker runs the outbox and the clock.
type Worker struct {
	s   *store.Store
	cfg Config
}

// New makes a worker on s.
func New(s *store.Store, cfg Config) *Worker {
	if cfg.Every == 0 {
		cfg.Every = 15 * time.Second
	}
	if cfg.SoonDays == 0 {
		cfg.SoonDays = 3
	}
	if cfg.Batch == 0 {
		cfg.Batch = 50
	}
	if cfg.Lease == 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Claim == 0 {
		cfg.Claim = 5 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Holder == "" {
		host, _ := os.Hostname()
		cfg.Holder = host + "/" + strconv.Itoa(os.Getpid()) + "/" + rand.Text()[:8]
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Worker{s: s, cfg: cfg}
}

// Run works a round every cfg.Every until ctx ends, then gives the lease up so that another
// instance takes over at once.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		if _, err := w.Round(ctx); err != nil && ctx.Err() == nil {
			// Only the error's text from our own code and the database: no address, no content.
			w.cfg.Log.Error("notification worker", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			w.s.ReleaseLease(release, LeaseName, w.cfg.Holder)
			return
		case <-t.C:
		}
	}
}

// RoundResult is what one round did.
type RoundResult struct {
	Leader  bool
	Clock   store.ClockRound
	Sent    int // notifications the SMTP server accepted (a digest counts each it lists)
	Retried int
	Dropped int // nobody to tell any more
}

// Round takes (or renews) the lease and, holding it, applies the clock's rules and delivers
// what is due. Without the lease it does nothing: another instance is the worker.
func (w *Worker) Round(ctx context.Context) (RoundResult, error) {
	var res RoundResult
	leader, err := w.s.TakeLease(ctx, LeaseName, w.cfg.Holder, w.cfg.Lease)
	if err != nil || !leader {
		return res, err
	}
	res.Leader = true
	if res.Clock, err = w.s.RunClock(ctx, w.cfg.SoonDays); err != nil {
		return res, err
	}
	if w.cfg.Mailer == nil {
		return res, nil
	}
	for range 20 { // bounded, so the lease is renewed between long runs
		n, err := w.deliver(ctx, &res)
		if err != nil || n < w.cfg.Batch {
			return res, err
		}
	}
	return res, nil
}

// delivery is one mail and the outbox rows it carries.
type delivery struct {
	mail  Mail
	ids   []int64
	until time.Time // the rows' claim ends
}

// deliver claims one batch and sends it; it returns how many rows it claimed.
func (w *Worker) deliver(ctx context.Context, res *RoundResult) (int, error) {
	items, err := w.s.ClaimOutbox(ctx, w.cfg.Batch, w.cfg.Claim)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	var out []delivery
	digests := map[int64][]store.OutboxItem{}
	var digestOrder []int64
	for _, it := range items {
		to, err := w.s.OutboxRecipient(ctx, it)
		if errors.Is(err, store.ErrNotFound) {
			if err := w.s.SetOutboxRetry(ctx, []int64{it.ID}, store.OutboxErrNoRecipient); err != nil {
				return len(items), err
			}
			res.Dropped++
			continue
		}
		if err != nil {
			return len(items), err
		}
		if it.Digest && !it.ToReporter {
			if _, seen := digests[it.UserID]; !seen {
				digestOrder = append(digestOrder, it.UserID)
			}
			digests[it.UserID] = append(digests[it.UserID], it)
			continue
		}
		out = append(out, delivery{mail: compose(w.cfg.PublicURL, to, []store.OutboxItem{it}), ids: []int64{it.ID}, until: it.ClaimedTo})
	}
	for _, uid := range digestOrder {
		group := digests[uid]
		to, err := w.s.OutboxRecipient(ctx, group[0])
		if err != nil {
			return len(items), err
		}
		d := delivery{mail: compose(w.cfg.PublicURL, to, group), until: group[0].ClaimedTo}
		for _, it := range group {
			d.ids = append(d.ids, it.ID)
		}
		out = append(out, d)
	}
	mails := make([]Mail, len(out))
	for i, d := range out {
		mails[i] = d.mail
	}
	var failure error
	w.cfg.Mailer.Send(ctx, mails, func(i int, err error) bool {
		if err != nil {
			if e := w.s.SetOutboxRetry(ctx, out[i].ids, ErrorClass(err)); e != nil {
				failure = e
				return false
			}
			res.Retried += len(out[i].ids)
			return true
		}
		// Marked at once: the window in which a crash could send this again is this one write.
		if e := w.s.SetOutboxSent(ctx, out[i].ids); e != nil {
			failure = e
			return false
		}
		res.Sent += len(out[i].ids)
		// The next mail goes only while its claim still holds with a margin for the session;
		// the rest wait for their claim to run out and are claimed again.
		return i+1 >= len(out) || w.s.Now().Add(time.Minute).Before(out[i+1].until)
	})
	return len(items), failure
}
