package history

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The rules that turn a source's record of a complaint (its phases, status and dates) into our
// stage moves. They are pure: a Record in, a Plan out, no I/O. docs/import.md has them as tables.

// PhaseKind says what a phase of the source's process is in ours.
type PhaseKind string

const (
	KindScreening     PhaseKind = "screening"     // deciding whether to take the complaint up
	KindDialogue      PhaseKind = "dialogue"      // dispute resolution, mediation
	KindInvestigation PhaseKind = "investigation" // compliance review, fact-finding
	KindMonitoring    PhaseKind = "monitoring"    // following up what was agreed or ordered
)

// PhaseKinds lists the kinds a mapping may name.
var PhaseKinds = []PhaseKind{KindScreening, KindDialogue, KindInvestigation, KindMonitoring}

// PhaseState is how far a phase went.
type PhaseState string

const (
	PhaseUnknown       PhaseState = ""               // not stated: undertaken if it has a date
	PhaseNotUndertaken PhaseState = "not_undertaken" // skipped
	PhaseInProgress    PhaseState = "in_progress"    // started, not finished
	PhaseSucceeded     PhaseState = "succeeded"      // finished with an outcome (accepted, agreement, findings)
	PhaseFailed        PhaseState = "failed"         // finished without one (not eligible, no agreement)
)

// PhaseStates lists the states a mapping may map a status to.
var PhaseStates = []PhaseState{PhaseUnknown, PhaseNotUndertaken, PhaseInProgress, PhaseSucceeded, PhaseFailed}

// Status codes of a record besides the outcomes (grievance.Outcomes), which mean "closed with it".
const (
	StatusReceived = "received" // filed, not yet taken up (the console's Pre-Filed)
	StatusOpen     = "open"     // being handled
	StatusClosed   = "closed"   // closed, with the outcome in Record.Outcome
)

// Reason codes besides grievance.NotAcceptedReasons that a "why" may map to.
const (
	ReasonWithdrawn  = "withdrawn" // the complainant withdrew: the case is withdrawn, not refused
	ReasonUnrecorded = string(grievance.NotAcceptedUnrecorded)
)

// Date is a calendar day of the record, placed at noon in the platform's zone.
type Date struct {
	At   time.Time // zero when the cell is blank
	From string    // the column it comes from, to explain adjustments
}

// IsZero reports whether the date is missing.
func (d Date) IsZero() bool { return d.At.IsZero() }

// Phase is one phase of the source's process for one complaint.
type Phase struct {
	Name       string
	Kind       PhaseKind
	State      PhaseState
	Start, End Date
	Why        string   // the source's "why not", as written; kept sealed with the move it explains
	WhyCodes   []string // Why's items through the mapping (screening phases only), in order
}

// Undertaken reports whether the phase happened at all.
func (p Phase) Undertaken() bool {
	switch p.State {
	case PhaseNotUndertaken:
		return false
	case PhaseUnknown:
		return !p.Start.IsZero() || !p.End.IsZero()
	}
	return true
}

// Record is one complaint as the rules see it: what the mapping made of a row.
type Record struct {
	Received, Acknowledged, Closed Date
	Status                         string // StatusReceived, StatusOpen, StatusClosed or a grievance.Outcome
	Outcome                        string // with StatusClosed: a grievance.Outcome, or "" when not stated
	StatusText                     string // the status as written, for the sealed reason of a withdrawal
	NonComplianceFound             string // "yes", "no" or "" when not stated
	Phases                         []Phase
	Dates                          []Date // every date of the row
	Fallback                       Date   // received date of a row with no date at all (zero: none)
}

// Move is one planned move of the case (Referral false) or of its one referral.
type Move struct {
	Referral bool
	To       string
	At       time.Time
	Code     string // not-accepted reason or outcome
	Reason   string // free text, sealed
}

// Plan is a record's history in our terms.
type Plan struct {
	Received time.Time
	Moves    []Move
	Notes    []string // adjustments: what the rules had to assume or move, in plain words
}

// Stage returns the case's last stage and its referral's ("" when never accepted).
func (p Plan) Stage() (grievance.CaseStage, grievance.ReferralStage) {
	cs, rs := grievance.CaseReceived, grievance.ReferralStage("")
	for _, m := range p.Moves {
		if m.Referral {
			rs = grievance.ReferralStage(m.To)
		} else {
			cs = grievance.CaseStage(m.To)
			if cs == grievance.CaseAccepted && rs == "" {
				rs = grievance.ReferralForwarded
			}
		}
	}
	return cs, rs
}

// bridgeReason stands in for the reason a move requires when the rules pass through it only to
// reach a stage the source records.
const bridgeReason = "Not in the source: passed through to reach a later stage it records."

// laterReason stands in for the reason a move back (monitoring to dialogue) requires.
const laterReason = "The source records this stage after the previous one."

// PlanRecord replays rec through the rules of docs/import.md. An error means the record cannot
// be told as a legal history (the row is rejected).
func PlanRecord(rec Record) (Plan, error) {
	p := &planner{rec: rec, caseStage: grievance.CaseReceived, moved: map[[2]string]*movedUp{}}
	if err := p.run(); err != nil {
		return Plan{}, err
	}
	return p.plan, nil
}

type planner struct {
	rec       Record
	plan      Plan
	last      Date // the latest move so far: nothing may be dated before it
	caseStage grievance.CaseStage
	refStage  grievance.ReferralStage
	moved     map[[2]string]*movedUp // moves re-dated, by the columns involved
}

// movedUp is the moves dated later than their column says because an earlier move is dated after it.
type movedUp struct {
	note   int // index in Notes
	stages []string
}

func (p *planner) note(format string, args ...any) {
	p.plan.Notes = append(p.plan.Notes, fmt.Sprintf(format, args...))
}

func (p *planner) run() error {
	rec := p.rec
	received := rec.Received
	if received.IsZero() {
		switch e := earliest(rec.Dates); {
		case !e.IsZero():
			received = e
			p.note("%s is blank: received dated as %s", rec.Received.From, e.From)
		case !rec.Fallback.IsZero():
			received = rec.Fallback
			p.note("no date in the row: received on the mapping's fallback date")
		default:
			return fmt.Errorf("no date in the row and the mapping names no fallback date")
		}
	}
	p.plan.Received, p.last = received.At, received

	var screens, laters []Phase
	var finalScreen *Phase // the source's last screening phase, whether undertaken or not
	for i, ph := range rec.Phases {
		if ph.Kind == KindScreening {
			finalScreen = &rec.Phases[i]
		}
		if !ph.Undertaken() {
			continue
		}
		if ph.Kind == KindScreening {
			screens = append(screens, ph)
		} else {
			laters = append(laters, ph)
		}
	}
	outcome := grievance.Outcome(rec.Status)
	closed := outcome.Valid()
	switch {
	case rec.Status == StatusClosed:
		closed, outcome = true, grievance.Outcome(rec.Outcome)
	case !closed:
		outcome = ""
	}

	if rec.Status == StatusReceived {
		if len(screens)+len(laters) > 0 {
			p.note("the status says the complaint was not taken up: its phases are not replayed")
		}
		return nil
	}
	if len(screens) == 0 && len(laters) == 0 && rec.Acknowledged.IsZero() && !closed {
		return nil // open, nothing done yet
	}

	ack := first(rec.Acknowledged, earliestStart(screens), received)
	if err := p.caseTo(grievance.CaseAcknowledged, ack, "", ""); err != nil {
		return err
	}
	if err := p.caseTo(grievance.CaseScreening, first(earliestStart(screens), ack), "", ""); err != nil {
		return err
	}

	var last *Phase
	if len(screens) > 0 {
		last = &screens[len(screens)-1]
	}
	resolved := outcome == "resolved" || outcome == "partially_resolved"
	if last != nil && last.State == PhaseFailed && len(laters) == 0 && !resolved {
		if !closed {
			p.note("%s ended without outcome but the status is open: left in screening", last.Name)
			return nil
		}
		at := first(last.End, rec.Closed, last.Start, latest(rec.Dates), p.last)
		why, codes := last.Why, last.WhyCodes
		if blank(why) {
			// The console files why a registration failed under eligibility's "why".
			for _, s := range rec.Phases {
				if s.Kind == KindScreening && !blank(s.Why) {
					why, codes = s.Why, s.WhyCodes
					break
				}
			}
		}
		code := decisive(codes)
		if outcome == grievance.OutcomeWithdrawn {
			code = ReasonWithdrawn
		}
		if code == ReasonWithdrawn {
			return p.caseTo(grievance.CaseWithdrawn, at, "", firstText(why, rec.StatusText))
		}
		return p.caseTo(grievance.CaseNotAccepted, at, code, why)
	}

	finalSucceeded := finalScreen != nil && finalScreen.State == PhaseSucceeded
	if finalSucceeded || len(laters) > 0 || (closed && outcome != grievance.OutcomeWithdrawn) {
		if err := p.accept(finalScreen, finalSucceeded, last, laters, resolved); err != nil {
			return err
		}
	}

	if !closed {
		return nil // open: stays where it got to
	}
	if outcome == "" {
		return fmt.Errorf("closed after it was taken up, but the source gives no outcome")
	}
	closing := first(rec.Closed, latest(rec.Dates), p.last)
	if outcome == grievance.OutcomeWithdrawn {
		return p.caseTo(grievance.CaseWithdrawn, closing, "", firstText(rec.StatusText, "withdrawn"))
	}
	if outcome == "not_resolved" && rec.NonComplianceFound == "no" && slices.ContainsFunc(laters, func(ph Phase) bool {
		return ph.Kind == KindInvestigation && ph.State == PhaseSucceeded
	}) {
		outcome = "not_substantiated"
	}
	if err := p.referralTo(grievance.ReferralConcluded, closing, string(outcome)); err != nil {
		return err
	}
	return p.caseTo(grievance.CaseClosed, closing, string(outcome), "")
}

// accept moves the case to accepted and replays the later phases on its referral.
func (p *planner) accept(finalScreen *Phase, finalSucceeded bool, last *Phase, laters []Phase, resolved bool) error {
	var candidates []Date
	if finalSucceeded {
		candidates = append(candidates, finalScreen.End)
	}
	for _, ph := range laters {
		candidates = append(candidates, first(ph.Start, ph.End))
	}
	at := earliest(candidates)
	if at.IsZero() {
		var end, start Date
		if last != nil {
			end, start = last.End, last.Start
		}
		at = first(end, start, p.rec.Closed, latest(p.rec.Dates), p.last)
	}
	switch {
	case finalSucceeded || len(laters) > 0:
	case last != nil && last.State == PhaseFailed && resolved:
		p.note("%s ended without outcome but the status is closed with a result: accepted", last.Name)
	default:
		p.note("no screening outcome in the source: accepted because the status is closed")
	}
	if err := p.caseTo(grievance.CaseAccepted, at, "", ""); err != nil {
		return err
	}
	accepted := p.last

	type target struct {
		to grievance.ReferralStage
		d  Date
	}
	var targets []target
	previous := accepted // an undated phase follows the one before it in the source's order
	for _, ph := range laters {
		start := first(ph.Start, previous)
		switch ph.Kind {
		case KindDialogue:
			targets = append(targets, target{grievance.ReferralDialogue, start})
			if ph.State == PhaseSucceeded {
				targets = append(targets, target{grievance.ReferralRemedyAgreed, first(ph.End, start)})
			}
		case KindInvestigation:
			targets = append(targets, target{grievance.ReferralInvestigation, start})
		case KindMonitoring:
			targets = append(targets, target{grievance.ReferralMonitoring, start})
		}
		previous = targets[len(targets)-1].d
	}
	slices.SortStableFunc(targets, func(a, b target) int { return a.d.At.Compare(b.d.At) })
	for _, t := range targets {
		if t.to == p.refStage || (t.to == grievance.ReferralRemedyAgreed && p.refStage == grievance.ReferralMonitoring) {
			continue // already there, or past it
		}
		if err := p.referralTo(t.to, t.d, ""); err != nil {
			return err
		}
	}
	return nil
}

// date dates a move what at d, or at the last move when d is earlier (noted).
func (p *planner) date(d Date, what string) time.Time {
	if !d.At.Before(p.last.At) {
		p.last = d
		return d.At
	}
	k := [2]string{d.From, p.last.From}
	m := p.moved[k]
	if m == nil {
		m = &movedUp{note: len(p.plan.Notes)}
		p.moved[k] = m
		p.plan.Notes = append(p.plan.Notes, "")
	}
	m.stages = append(m.stages, what)
	p.plan.Notes[m.note] = fmt.Sprintf("%s is earlier than %s: %s dated as %s", d.From, p.last.From, strings.Join(m.stages, ", "), p.last.From)
	return p.last.At
}

// caseTo moves the case to to, through the stages the rules require on the way.
func (p *planner) caseTo(to grievance.CaseStage, d Date, code, reason string) error {
	path := casePath(p.caseStage, to)
	if path == nil {
		return fmt.Errorf("the case cannot move from %s to %s", p.caseStage, to)
	}
	at := p.date(d, string(to))
	for _, st := range path {
		m := Move{To: string(st), At: at}
		if st == to {
			m.Code, m.Reason = code, reason
		}
		p.plan.Moves = append(p.plan.Moves, m)
	}
	p.caseStage = to
	if to == grievance.CaseAccepted {
		p.refStage = grievance.ReferralForwarded
	}
	return nil
}

// referralTo moves the referral to to. Passing "responded" (a company must answer before
// anything else) and "remedy_agreed" before monitoring is what the source implies; any other
// stage passed through is not in the source and is noted.
func (p *planner) referralTo(to grievance.ReferralStage, d Date, outcome string) error {
	path := referralPath(p.refStage, to)
	if path == nil {
		return fmt.Errorf("the referral cannot move from %s to %s", p.refStage, to)
	}
	at := p.date(d, string(to))
	from := p.refStage
	var invented []string
	for _, st := range path {
		m := Move{Referral: true, To: string(st), At: at}
		switch {
		case st == to:
			m.Code = outcome
		case st == grievance.ReferralResponded, st == grievance.ReferralRemedyAgreed && to == grievance.ReferralMonitoring:
		default:
			invented = append(invented, string(st))
		}
		if needsReason(p.refStage, st) {
			m.Reason = bridgeReason
			if st == to {
				m.Reason = laterReason
			}
		}
		p.plan.Moves = append(p.plan.Moves, m)
		p.refStage = st
	}
	if len(invented) > 0 {
		p.note("nothing in the source leads from %s to %s: passed through %s on the same date", from, to, strings.Join(invented, ", "))
	}
	return nil
}

// casePath is the shortest run of handler moves from → to, to included (nil: none). Final stages
// are never passed through.
func casePath(from, to grievance.CaseStage) []grievance.CaseStage {
	return shortest(from, to, func(s grievance.CaseStage) []grievance.CaseStage {
		if s.Final() {
			return nil
		}
		var next []grievance.CaseStage
		for _, m := range grievance.NextCaseMoves(s, grievance.RoleHandler) {
			next = append(next, m.To)
		}
		return next
	})
}

func referralPath(from, to grievance.ReferralStage) []grievance.ReferralStage {
	return shortest(from, to, func(s grievance.ReferralStage) []grievance.ReferralStage {
		if s.Final() {
			return nil
		}
		var next []grievance.ReferralStage
		for _, m := range grievance.NextReferralMoves(s, grievance.CaseAccepted, grievance.RoleHandler) {
			next = append(next, m.To)
		}
		return next
	})
}

func needsReason(from, to grievance.ReferralStage) bool {
	for _, m := range grievance.NextReferralMoves(from, grievance.CaseAccepted, grievance.RoleHandler) {
		if m.To == to {
			return m.Needs&grievance.NeedsReason != 0
		}
	}
	return false
}

// shortest is a breadth-first search over the transition table, in the table's order, so the
// same gap is always bridged the same way.
func shortest[S comparable](from, to S, next func(S) []S) []S {
	if from == to {
		return nil
	}
	prev := map[S]S{from: from}
	queue := []S{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range next(s) {
			if _, seen := prev[n]; seen {
				continue
			}
			prev[n] = s
			if n == to {
				var path []S
				for x := to; x != from; x = prev[x] {
					path = append(path, x)
				}
				slices.Reverse(path)
				return path
			}
			queue = append(queue, n)
		}
	}
	return nil
}

// decisive is the code that decides a not-accepted move: the first that says something, so
// "Unknown, Complaint withdrawn" is a withdrawal and "Outside of mandate, Not desired by
// complainant" a refusal.
func decisive(codes []string) string {
	for _, c := range codes {
		if c != ReasonUnrecorded && c != "" {
			return c
		}
	}
	return ReasonUnrecorded
}

// first returns the first date that is set.
func first(dates ...Date) Date {
	for _, d := range dates {
		if !d.IsZero() {
			return d
		}
	}
	return Date{}
}

func earliest(dates []Date) Date {
	var e Date
	for _, d := range dates {
		if !d.IsZero() && (e.IsZero() || d.At.Before(e.At)) {
			e = d
		}
	}
	return e
}

func latest(dates []Date) Date {
	var l Date
	for _, d := range dates {
		if !d.IsZero() && (l.IsZero() || d.At.After(l.At)) {
			l = d
		}
	}
	return l
}

func earliestStart(phases []Phase) Date {
	starts := make([]Date, len(phases))
	for i, ph := range phases {
		starts[i] = ph.Start
	}
	return earliest(starts)
}

func firstText(texts ...string) string {
	for _, t := range texts {
		if !blank(t) {
			return t
		}
	}
	return ""
}
