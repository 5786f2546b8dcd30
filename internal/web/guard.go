package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

// Limit is one token bucket: Burst tokens, one more every Per.
type Limit struct {
	Burst float64
	Per   time.Duration
}

func (l Limit) set() bool { return l.Burst > 0 && l.Per > 0 }

// Lane is one kind of spending an anonymous stranger can do (guess a receipt, file a report,
// upload bytes), with budgets kept in the store so that every instance on one database spends
// the same ones. Global binds every request, seen source or not. Narrow and Wide bind one source:
// its IPv4 address or IPv6 /64, and its IPv4 /24 or IPv6 /48. Proof is a second, separately
// bounded global budget for requests that carry a solved proof-of-work challenge of ProofBits,
// so that an attacker who keeps Global empty does not shut honest people out for free.
type Lane struct {
	Name         string
	SourceName   string // per-source budgets are kept under this name (Name when empty), so lanes may share them
	Global       Limit
	Narrow, Wide Limit
	Proof        Limit
	ProofBits    int
}

// GuardPolicy names the lanes of the platform. The arithmetic behind the numbers is in
// docs/operating.md ("Guessing receipts, flooding reports").
type GuardPolicy struct {
	Guess       Lane // wrong guesses of a current receipt (21 digits, check digit right)
	LegacyGuess Lane // wrong guesses of a 16-digit receipt: a space 10⁴ times smaller
	Filing      Lane // reports filed anonymously (web form and API)
	Bytes       Lane // attachment bytes filed anonymously, in KiB
}

// DefaultGuardPolicy: see docs/operating.md for what each number buys.
var DefaultGuardPolicy = GuardPolicy{
	Guess: Lane{Name: "guess",
		Global: Limit{600, 200 * time.Millisecond}, // 5 wrong guesses a second across every source
		Narrow: Limit{10, time.Minute}, Wide: Limit{50, 6 * time.Second},
		Proof: Limit{300, 100 * time.Millisecond}, ProofBits: 20}, // another 10 a second, with proof
	LegacyGuess: Lane{Name: "guess16", SourceName: "guess", // one source budget for both formats
		Global: Limit{20, 30 * time.Minute},
		Narrow: Limit{10, time.Minute}, Wide: Limit{50, 6 * time.Second},
		Proof: Limit{10, time.Hour}, ProofBits: 21},
	Filing: Lane{Name: "filing",
		Global: Limit{300, 12 * time.Second}, // 300 an hour across every source
		Narrow: Limit{10, 6 * time.Minute}, Wide: Limit{30, 2 * time.Minute},
		Proof: Limit{300, 12 * time.Second}, ProofBits: 18},
	Bytes: Lane{Name: "kib", // counted in KiB
		Global: Limit{1 << 20, time.Hour / (1 << 20)}, // 1 GiB an hour across every source
		Narrow: Limit{100 << 10, time.Hour / (100 << 10)}, Wide: Limit{300 << 10, time.Hour / (300 << 10)}},
}

// Guard spends the lanes' budgets through the store.
type Guard struct {
	store  *store.Store
	Policy GuardPolicy
}

// NewGuard makes a guard over s's budget table.
func NewGuard(s *store.Store, p GuardPolicy) *Guard { return &Guard{store: s, Policy: p} }

// Decision is the answer of Take. When refused, Retry says when to try again and Challenge (if
// the lane takes proofs) is a fresh proof-of-work challenge of Bits leading zero bits.
type Decision struct {
	OK        bool
	Retry     time.Duration
	Challenge string
	Bits      int
	taken     []store.Bucket
	cost      float64
}

// RetryAfter is Retry in whole seconds, for the Retry-After header.
func (d Decision) RetryAfter() string {
	return strconv.Itoa(max(1, int(d.Retry.Round(time.Second)/time.Second)))
}

// Take spends cost from lane for the request's source: from the global and per-source budgets,
// or, when they are short and proof solves a challenge of this lane, from the proof budget.
func (g *Guard) Take(ctx context.Context, r *http.Request, lane Lane, cost float64, proof string) (Decision, error) {
	buckets := g.buckets(lane, Source(r))
	b, err := g.store.TakeBudget(ctx, cost, buckets...)
	if err != nil || b.OK {
		return Decision{OK: b.OK, taken: buckets, cost: cost}, err
	}
	d := Decision{Retry: b.Retry}
	if !lane.Proof.set() {
		return d, nil
	}
	if proof != "" {
		if challenge, ok := g.verifyProof(lane, proof); ok {
			proofBuckets := []store.Bucket{g.bucket(lane.Name+":proof", nil, lane.Proof)}
			// The challenge itself is a bucket of one token that refills after it has expired:
			// each solved challenge admits one request.
			used := store.Bucket{Key: append([]byte(lane.Name+":used:"), g.store.Keys().ChallengeMAC(challenge)...), Burst: 1, Per: 2 * challengeLife}
			pb, err := g.store.TakeBudget(ctx, 1, used)
			if err != nil {
				return d, err
			}
			if pb.OK {
				pb, err = g.store.TakeBudget(ctx, cost, proofBuckets...)
				if err != nil {
					return d, err
				}
				if pb.OK {
					return Decision{OK: true, taken: proofBuckets, cost: cost}, nil
				}
				d.Retry = max(d.Retry, pb.Retry)
			}
		}
	}
	d.Challenge, d.Bits = g.newChallenge(lane), lane.ProofBits
	return d, nil
}

// Return gives back what d took: a reservation that was not spent.
func (g *Guard) Return(ctx context.Context, d Decision) error {
	if !d.OK || len(d.taken) == 0 {
		return nil
	}
	return g.store.ReturnBudget(ctx, d.cost, d.taken...)
}

func (g *Guard) buckets(lane Lane, source netip.Prefix) []store.Bucket {
	name := lane.SourceName
	if name == "" {
		name = lane.Name
	}
	return append([]store.Bucket{g.bucket(lane.Name+":all", nil, lane.Global)}, SourceBuckets(g.store, name, source, lane.Narrow, lane.Wide)...)
}

// SourceBuckets names the per-source budgets of name for source: narrow for its IPv4 address or
// IPv6 /64, wide for its IPv4 /24 or IPv6 /48. A limit left zero has no bucket.
func SourceBuckets(s *store.Store, name string, source netip.Prefix, narrow, wide Limit) []store.Bucket {
	if !source.IsValid() {
		return nil
	}
	wideBits := 24
	if source.Addr().Is6() {
		wideBits = 48
	}
	widePrefix, _ := source.Addr().Prefix(min(wideBits, source.Bits()))
	var out []store.Bucket
	if narrow.set() {
		out = append(out, budgetBucket(s, name+":narrow:", &source, narrow))
	}
	if wide.set() {
		out = append(out, budgetBucket(s, name+":wide:", &widePrefix, wide))
	}
	return out
}

func (g *Guard) bucket(name string, source *netip.Prefix, l Limit) store.Bucket {
	return budgetBucket(g.store, name, source, l)
}

// budgetBucket names a budget: the lane and, for a source, a keyed hash of its prefix, never
// the address itself.
func budgetBucket(s *store.Store, name string, source *netip.Prefix, l Limit) store.Bucket {
	key := []byte(name)
	if source != nil {
		key = append(key, s.Keys().SourceHash(source.String())...)
	}
	return l.Bucket(key)
}

// Bucket is a store bucket of this limit under key.
func (l Limit) Bucket(key []byte) store.Bucket {
	return store.Bucket{Key: key, Burst: l.Burst, Per: l.Per}
}

// ReceiptOutcome is what opening a receipt came to.
type ReceiptOutcome int

const (
	ReceiptOpened    ReceiptOutcome = iota
	ReceiptMistyped                 // the check digit does not match: nothing looked up or charged
	ReceiptWrong                    // no such receipt (charged to the guessing budget)
	ReceiptThrottled                // the guessing budgets are spent: see Decision
)

// OpenReceipt looks typed up as a receipt for the request's source. A guess is reserved from
// the budget before the lookup (so concurrent guesses cannot race past it) and given back when
// the receipt is right: an honest reporter who types their receipt right never spends anything.
// A current receipt whose check digit is wrong is a typing mistake, answered before any lookup.
func (g *Guard) OpenReceipt(ctx context.Context, r *http.Request, typed, proof string) (int64, ReceiptOutcome, Decision, error) {
	normalized, kind := seal.ParseReceipt(typed)
	switch kind {
	case seal.ReceiptTypo:
		return 0, ReceiptMistyped, Decision{}, nil
	case seal.ReceiptMalformed:
		// No receipt has this shape, so there is nothing to look up and nothing to guess.
		return 0, ReceiptWrong, Decision{}, nil
	}
	lane := g.Policy.Guess
	if kind == seal.ReceiptLegacy {
		lane = g.Policy.LegacyGuess
	}
	d, err := g.Take(ctx, r, lane, 1, proof)
	if err != nil || !d.OK {
		return 0, ReceiptThrottled, d, err
	}
	id, err := g.store.CaseIDByReceipt(ctx, normalized)
	if errors.Is(err, store.ErrNotFound) {
		return 0, ReceiptWrong, Decision{}, nil
	}
	if err != nil {
		return 0, ReceiptWrong, Decision{}, err
	}
	return id, ReceiptOpened, Decision{OK: true}, g.Return(ctx, d)
}

// TakeFiling spends one anonymous filing and its attachment bytes for the request's source, both
// or neither. Call it once the report is valid, just before it is stored.
func (g *Guard) TakeFiling(ctx context.Context, r *http.Request, attachmentBytes int, proof string) (Decision, error) {
	d, err := g.Take(ctx, r, g.Policy.Filing, 1, proof)
	if err != nil || !d.OK || attachmentBytes == 0 {
		return d, err
	}
	kib := float64((attachmentBytes + 1023) / 1024)
	b, err := g.Take(ctx, r, g.Policy.Bytes, kib, "")
	if err != nil || !b.OK {
		return b, errors.Join(err, g.Return(ctx, d))
	}
	return d, nil
}
