package account

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/remedy-grievance/remedy/internal/seal"
)

// ErrBusy says every password-hashing slot stayed taken for the whole wait: the page asks the
// user to try again in a moment, and nothing is charged.
var ErrBusy = errors.New("account: password hashing busy")

// Hashing bounds concurrent argon2id work, which costs 64 MiB and tens of milliseconds of a core
// each: without a bound, a burst of sign-ins takes gigabytes and slows every sign-in to seconds.
// Browsers that signed in to the account before (a device cookie) hash in slots of their own,
// so strangers' tries never queue in front of them.
type Hashing struct {
	slots, known chan struct{}
	wait         time.Duration
	// Checked counts password verifications, for tests and benchmarks.
	Checked atomic.Int64
}

// NewHashing lets slots hashes run at once, and as many more for known browsers; others wait up
// to wait for a slot.
func NewHashing(slots int, wait time.Duration) *Hashing {
	return &Hashing{slots: make(chan struct{}, max(1, slots)), known: make(chan struct{}, max(1, slots)), wait: wait}
}

// DefaultHashing: a slot for every other core, at most 8, and as many for known browsers (128
// MiB on 2 cores, 1 GiB at most), so sign-in never takes every core from the reporters; a
// sign-in waits up to 5 seconds for a slot.
func DefaultHashing() *Hashing { return NewHashing(min(8, max(1, runtime.NumCPU()/2)), 5*time.Second) }

func (g *Hashing) pool(known bool) chan struct{} {
	if known {
		return g.known
	}
	return g.slots
}

func (g *Hashing) acquire(ctx context.Context, known bool) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.pool(known) <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Hashing) release(known bool) { <-g.pool(known) }

// Verify checks password against an encoded hash in a slot, a known browser's when known.
func (g *Hashing) Verify(ctx context.Context, encoded, password string, known bool) (bool, error) {
	if err := g.acquire(ctx, known); err != nil {
		return false, err
	}
	defer g.release(known)
	g.Checked.Add(1)
	return seal.VerifyPassword(encoded, password)
}

// Hash hashes a new password in a slot.
func (g *Hashing) Hash(ctx context.Context, password string) (string, error) {
	if err := g.acquire(ctx, false); err != nil {
		return "", err
	}
	defer g.release(false)
	return seal.HashPassword(password, seal.DefaultPasswordParams)
}
