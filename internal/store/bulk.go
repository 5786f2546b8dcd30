package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// HistoricCase is a case with its past, for seeding and importing.
type HistoricCase struct {
	Report    grievance.Report   // ReceivedAt must be set; Normalize()d and valid
	Events    []HistoricEvent    // case moves after "received", in order
	Referrals []HistoricReferral // created when the case moves to accepted
	Messages  []HistoricMessage  // optional, in order
	// Source and SourceKey name the record the case was imported from (a file's row), remembered
	// in import_sources with the case so that importing the same record again can be skipped.
	// Both or neither.
	Source, SourceKey string
}

// HistoricEvent is one past case move.
type HistoricEvent struct {
	To   grievance.CaseStage
	At   time.Time
	Code string // not-accepted reason or outcome; for other moves it stands in for a missing Reason
	Role grievance.Role
	// Reason is optional free text kept sealed in the stage history, as a live move's reason is.
	Reason string
}

// HistoricReferral is one company's part of a historic case.
type HistoricReferral struct {
	CompanyIndex int // into Report.Companies
	Events       []HistoricReferralEvent
	RemedyTypes  []grievance.RemedyType
}

// HistoricReferralEvent is one past referral move after "forwarded".
type HistoricReferralEvent struct {
	To      grievance.ReferralStage
	At      time.Time
	Outcome grievance.Outcome
	Role    grievance.Role
	Reason  string // optional, sealed; required by the rules when reopening from monitoring
}

// HistoricMessage is one past message of a case.
type HistoricMessage struct {
	Thread     string
	AuthorRole grievance.Role
	Body       string
	At         time.Time
}

// ImportError says which case of an import was refused, and why (often a *grievance.RuleError or
// grievance.FieldErrors, reachable with errors.As).
type ImportError struct {
	Index int
	Err   error
}

func (e *ImportError) Error() string { return fmt.Sprintf("case %d: %v", e.Index, e.Err) }
func (e *ImportError) Unwrap() error { return e.Err }

const (
	// importBatch cases go in one transaction: large enough that commits (an fsync each) and
	// statement preparation vanish in the cost, small enough to keep memory and lock time modest.
	importBatch = 2500
	// bulkRows and bulkParams bound one multi-row INSERT (SQLite allows 32766 parameters,
	// PostgreSQL 65535).
	bulkRows   = 250
	bulkParams = 32000
)

// ImportCases stores cases with their history in batches of a few thousand per transaction.
// Every move is checked with the grievance rules first, so an illegal history refuses the whole
// call before anything is written; an *ImportError names the case. Sensitive fields are sealed
// as CreateCase seals them, every case gets a fresh receipt (returned only when keepReceipts),
// and each batch adds one "case.import" audit entry rather than one per case. If the database
// fails midway, the batches already committed stay and their cases are returned with the error.
func (s *Store) ImportCases(ctx context.Context, cases []HistoricCase, actor Actor, keepReceipts bool) ([]Filed, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	members, err := s.activeMembers(ctx)
	if err != nil {
		return nil, err
	}
	now := utc(s.now())
	if err := s.checkHistories(cases, now, members); err != nil {
		return nil, err
	}
	seqs, err := s.idSequences(ctx)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan preparedBatch, 1)
	done := make(chan struct{})
	defer func() { cancel(); <-done }()
	// Sealing runs a batch ahead of the writer, so the crypto and the SQL use separate cores.
	go func() {
		defer close(done)
		defer close(batches)
		for start := 0; start < len(cases) && ctx.Err() == nil; start += importBatch {
			b := s.prepareBatch(cases[start:min(start+importBatch, len(cases))], start, now)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()

	out := make([]Filed, 0, len(cases))
	for b := range batches {
		if b.err != nil {
			return out, b.err
		}
		filed, err := s.writeBatch(ctx, b, actor, seqs)
		if err != nil {
			return out, err
		}
		if !keepReceipts {
			for i := range filed {
				filed[i].Receipt = ""
			}
		}
		out = append(out, filed...)
	}
	if len(out) < len(cases) {
		return out, ctx.Err() // the caller gave up
	}
	return out, nil
}

func (s *Store) activeMembers(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM members WHERE left_at IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		m[id] = true
	}
	return m, rows.Err()
}

// checkHistories runs the rules over every case on all cores and reports the first refusal.
func (s *Store) checkHistories(cases []HistoricCase, now time.Time, members map[int64]bool) error {
	workers := runtime.GOMAXPROCS(0)
	errs := make([]*ImportError, workers)
	var wg sync.WaitGroup
	per := (len(cases) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(cases))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if _, err := s.planCase(&cases[i], now, members); err != nil {
					errs[w] = &ImportError{Index: i, Err: err}
					return
				}
			}
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// step is one line of a case's stage history as it will be stored.
type step struct {
	at       time.Time
	referral int // index into HistoricCase.Referrals; -1 for the case's own stages
	from, to string
	role     grievance.Role
	code     string // kept in clear, as moveCase keeps it
	reason   string // sealed
	left     leftStage
}

type referralState struct {
	stage                       grievance.ReferralStage
	forwarded, entered, settled time.Time // settled: concluded_at
	outcome                     grievance.Outcome
}

// plan is a case's history replayed through the rules, and the columns it leaves behind.
type plan struct {
	steps        []step
	stage        grievance.CaseStage
	entered      time.Time
	acknowledged time.Time
	closed       time.Time
	lastNews     time.Time
	due          time.Time
	outcome      grievance.Outcome
	notAccepted  grievance.NotAcceptedReason
	referrals    []referralState
}

// receivedRole is who stored a report: the reporter online, a handler for everything else.
func receivedRole(c grievance.Channel) grievance.Role {
	if c == grievance.ChannelWeb || c == grievance.ChannelAPI {
		return grievance.RoleReporter
	}
	return grievance.RoleHandler
}

// planCase replays a case's history in time order (members nil skips the member check), case and referral moves interleaved (at the
// same instant referral moves go first, so a referral concluded when its case closes counts).
func (s *Store) planCase(c *HistoricCase, now time.Time, members map[int64]bool) (*plan, error) {
	r := &c.Report
	if r.ReceivedAt.IsZero() {
		return nil, errors.New("received_at is not set")
	}
	if (c.Source == "") != (c.SourceKey == "") {
		return nil, errors.New("source and source key go together")
	}
	if fe := r.ValidateHistoric(grievance.DefaultLimits); fe != nil {
		return nil, fe
	}
	for i, co := range r.Companies {
		if members != nil && co.MemberID != 0 && !members[co.MemberID] {
			return nil, grievance.FieldErrors{fmt.Sprintf("companies[%d].member_id", i): "unknown_member"}
		}
	}
	received := utc(r.ReceivedAt)
	if received.After(now) {
		return nil, errors.New("received in the future")
	}
	p := &plan{stage: grievance.CaseReceived, entered: received, lastNews: received,
		steps: make([]step, 0, 1+len(c.Events)+4*len(c.Referrals))}
	p.steps = append(p.steps, step{at: received, referral: -1, to: string(grievance.CaseReceived), role: receivedRole(r.Channel)})

	used := make([]bool, len(r.Companies))
	for j, ref := range c.Referrals {
		if ref.CompanyIndex < 0 || ref.CompanyIndex >= len(r.Companies) {
			return nil, fmt.Errorf("referral %d: company %d is not named in the report", j, ref.CompanyIndex)
		}
		if used[ref.CompanyIndex] {
			return nil, fmt.Errorf("referral %d: company %d already has a referral", j, ref.CompanyIndex)
		}
		used[ref.CompanyIndex] = true
		for _, t := range ref.RemedyTypes {
			if !t.Valid() && t != grievance.RemedyUnrecorded {
				return nil, fmt.Errorf("referral %d: unknown remedy type %q", j, t)
			}
		}
	}

	next := make([]int, len(c.Referrals))
	created := false
	ci := 0
	for {
		j := -1 // the referral whose next move comes first
		if created {
			for k := range c.Referrals {
				if next[k] < len(c.Referrals[k].Events) &&
					(j < 0 || c.Referrals[k].Events[next[k]].At.Before(c.Referrals[j].Events[next[j]].At)) {
					j = k
				}
			}
		}
		switch {
		case ci < len(c.Events) && (j < 0 || c.Events[ci].At.Before(c.Referrals[j].Events[next[j]].At)):
			if err := s.planCaseMove(p, c, ci, now, &created); err != nil {
				return nil, fmt.Errorf("event %d (%s → %s): %w", ci, p.stage, c.Events[ci].To, err)
			}
			ci++
		case j >= 0:
			if err := s.planReferralMove(p, c, j, next[j], now); err != nil {
				return nil, fmt.Errorf("referral %d event %d (%s → %s): %w", j, next[j], p.referrals[j].stage, c.Referrals[j].Events[next[j]].To, err)
			}
			next[j]++
		default:
			if !created && len(c.Referrals) > 0 {
				return nil, errors.New("referrals given but the case was never accepted")
			}
			return p, s.planMessages(p, c, received, now)
		}
	}
}

func (s *Store) planCaseMove(p *plan, c *HistoricCase, i int, now time.Time, created *bool) error {
	ev := c.Events[i]
	at := utc(ev.At)
	if err := checkTime(at, p.entered, now); err != nil {
		return err
	}
	change := grievance.CaseChange{From: p.stage, To: ev.To, Role: ev.Role, Reason: ev.Reason, Historic: true}
	if strings.TrimSpace(change.Reason) == "" {
		change.Reason = ev.Code
	}
	code, reason := "", ev.Reason
	switch ev.To {
	case grievance.CaseNotAccepted:
		change.NotAcceptedReason = grievance.NotAcceptedReason(ev.Code)
		change.ReferralText = ev.Code // what the reporter was told is not part of the history
		code = ev.Code
	case grievance.CaseClosed:
		change.Outcome = grievance.Outcome(ev.Code)
		change.Referrals = make([]grievance.ReferralStage, len(p.referrals))
		for k, r := range p.referrals {
			change.Referrals[k] = r.stage
		}
		code = ev.Code
	case grievance.CaseAccepted:
		change.Companies = len(c.Referrals)
	}
	if code == "" && strings.TrimSpace(reason) == "" {
		reason = ev.Code
	}
	if err := grievance.CheckCaseChange(change); err != nil {
		return err
	}
	outcome := change.Outcome
	if outcome == "" {
		outcome = grievance.CaseOutcomeOnEntry(ev.To)
		if outcome != "" {
			code = string(outcome)
		}
	}
	left := leftStage{entered: sql.NullTime{Time: p.entered, Valid: true}}
	if due, ok := s.timeline.CaseDue(p.stage, grievance.CaseDates{ReceivedAt: utc(c.Report.ReceivedAt), AcknowledgedAt: p.acknowledged,
		StageEnteredAt: p.entered, LastReporterNews: p.lastNews}); ok {
		left.due = sql.NullTime{Time: utc(due), Valid: true}
	}
	p.steps = append(p.steps, step{at: at, referral: -1, from: string(p.stage), to: string(ev.To), role: ev.Role, code: code, reason: reason, left: left})
	p.stage, p.entered, p.lastNews = ev.To, at, at
	switch {
	case ev.To == grievance.CaseAcknowledged:
		p.acknowledged = at
	case ev.To == grievance.CaseNotAccepted:
		p.notAccepted = change.NotAcceptedReason
	}
	if outcome != "" {
		p.outcome = outcome
	}
	if ev.To.Final() {
		p.closed = at
	}
	if ev.To == grievance.CaseAccepted && !*created {
		*created = true
		p.referrals = make([]referralState, len(c.Referrals))
		for j := range c.Referrals {
			p.referrals[j] = referralState{stage: grievance.ReferralForwarded, forwarded: at, entered: at}
			p.steps = append(p.steps, step{at: at, referral: j, to: string(grievance.ReferralForwarded), role: ev.Role})
		}
	}
	return nil
}

func (s *Store) planReferralMove(p *plan, c *HistoricCase, j, k int, now time.Time) error {
	ref := &c.Referrals[j]
	ev := ref.Events[k]
	st := &p.referrals[j]
	at := utc(ev.At)
	if err := checkTime(at, st.entered, now); err != nil {
		return err
	}
	change := grievance.ReferralChange{From: st.stage, To: ev.To, Role: ev.Role, CaseStage: p.stage, Reason: ev.Reason, Outcome: ev.Outcome, Historic: true}
	if ev.To == grievance.ReferralRemedyAgreed {
		change.RemedyTypes = ref.RemedyTypes
	}
	if err := grievance.CheckReferralChange(change); err != nil {
		return err
	}
	left := leftStage{entered: sql.NullTime{Time: st.entered, Valid: true}}
	if due, ok := s.timeline.ReferralDue(st.stage, st.entered); ok {
		left.due = sql.NullTime{Time: utc(due), Valid: true}
	}
	p.steps = append(p.steps, step{at: at, referral: j, from: string(st.stage), to: string(ev.To), role: ev.Role, code: string(ev.Outcome), reason: ev.Reason, left: left})
	st.stage, st.entered, st.outcome = ev.To, at, ev.Outcome
	if ev.To.Final() {
		st.settled = at
	}
	return nil
}

func checkTime(at, previous, now time.Time) error {
	switch {
	case at.Before(previous):
		return fmt.Errorf("at %s, before the move that precedes it", at.Format(time.RFC3339))
	case at.After(now):
		return fmt.Errorf("at %s, in the future", at.Format(time.RFC3339))
	}
	return nil
}

// planMessages checks the messages and moves the reporter-news date as CreateMessage would, then
// sets the deadline the case's final stage carries.
func (s *Store) planMessages(p *plan, c *HistoricCase, received, now time.Time) error {
	previous := received
	for k, m := range c.Messages {
		at := utc(m.At)
		switch {
		case m.Thread != ThreadReporter && m.Thread != ThreadCompany && m.Thread != ThreadInternal:
			return fmt.Errorf("message %d: unknown thread %q", k, m.Thread)
		case !m.AuthorRole.Valid():
			return fmt.Errorf("message %d: unknown role %q", k, m.AuthorRole)
		case m.Body == "":
			return fmt.Errorf("message %d: empty body", k)
		}
		if err := checkTime(at, previous, now); err != nil {
			return fmt.Errorf("message %d: %w", k, err)
		}
		previous = at
		if m.Thread == ThreadReporter && m.AuthorRole != grievance.RoleReporter && at.After(p.lastNews) {
			p.lastNews = at
		}
	}
	if due, ok := s.timeline.CaseDue(p.stage, grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: p.acknowledged,
		StageEnteredAt: p.entered, LastReporterNews: p.lastNews}); ok {
		p.due = utc(due)
	}
	return nil
}

// preparedCase is a case with everything sealed, ready to be written.
type preparedCase struct {
	c           *HistoricCase
	plan        *plan
	receipt     string
	receiptHash []byte
	wrapped     []byte
	fields      [7][]byte
	companies   [][]byte
	attachments [][2][]byte
	reasons     [][]byte // per step
	bodies      [][]byte // per message
}

type preparedBatch struct {
	start int // index of the first case in the caller's slice
	cases []preparedCase
	err   error
}

// prepareBatch seals a batch on every core.
func (s *Store) prepareBatch(cases []HistoricCase, start int, now time.Time) preparedBatch {
	b := preparedBatch{start: start, cases: make([]preparedCase, len(cases))}
	workers := runtime.GOMAXPROCS(0)
	per := (len(cases) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(cases))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if err := s.prepareCase(&b.cases[i], &cases[i], now); err != nil {
					errs[w] = &ImportError{Index: start + i, Err: err}
					return
				}
			}
		})
	}
	wg.Wait()
	b.err = errors.Join(errs...)
	return b
}

func (s *Store) prepareCase(pc *preparedCase, c *HistoricCase, now time.Time) error {
	p, err := s.planCase(c, now, nil) // members were checked with the histories
	if err != nil {
		return err
	}
	key, wrapped, err := s.keys.NewCaseKey()
	if err != nil {
		return err
	}
	r := &c.Report
	*pc = preparedCase{c: c, plan: p, wrapped: wrapped}
	if err := s.newReceipt(pc); err != nil {
		return err
	}
	pc.fields = sealReportFields(key, r)
	pc.companies = make([][]byte, len(r.Companies))
	for i, co := range r.Companies {
		pc.companies[i] = key.SealString(fieldCompanyName, co.Name)
	}
	for _, a := range r.Attachments {
		pc.attachments = append(pc.attachments, [2][]byte{key.SealString(fieldAttachmentName, a.Name), key.Seal(fieldAttachmentData, a.Data)})
	}
	pc.reasons = make([][]byte, len(p.steps))
	for i, st := range p.steps {
		if strings.TrimSpace(st.reason) != "" {
			pc.reasons[i] = key.SealString(fieldStageReason, st.reason)
		}
	}
	pc.bodies = make([][]byte, len(c.Messages))
	for i, m := range c.Messages {
		pc.bodies[i] = key.SealString(fieldMessageBody, m.Body)
	}
	return nil
}

func (s *Store) newReceipt(pc *preparedCase) error {
	receipt, err := s.keys.NewReceipt()
	if err != nil {
		return err
	}
	pc.receipt, pc.receiptHash = receipt, s.keys.ReceiptHash(receipt)
	return nil
}

// writeBatch stores a prepared batch in one transaction. A receipt that collides with a stored
// one (rare at 53 bits, but a million cases make it conceivable) gets the batch fresh receipts.
func (s *Store) writeBatch(ctx context.Context, b preparedBatch, actor Actor, seqs map[string]string) ([]Filed, error) {
	for attempt := 0; ; attempt++ {
		var filed []Filed
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			filed, err = s.insertBatch(ctx, tx, b.cases, actor, seqs)
			return err
		})
		if err != nil && attempt < 3 && strings.Contains(err.Error(), "receipt_hash") {
			for i := range b.cases {
				if err := s.newReceipt(&b.cases[i]); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("import cases %d to %d: %w", b.start, b.start+len(b.cases)-1, err)
		}
		return filed, nil
	}
}

// bulkTable collects the rows of one table for multi-row INSERTs.
type bulkTable struct {
	name   string
	cols   []string
	args   []any
	suffix string // e.g. an ON CONFLICT clause
}

func (s *Store) insertBatch(ctx context.Context, tx *sql.Tx, cases []preparedCase, actor Actor, seqs map[string]string) ([]Filed, error) {
	refs, err := s.reserveReferences(ctx, tx, cases)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	var nCompanies, nReferrals, nSteps, nMessages int
	for i := range cases {
		nCompanies += len(cases[i].c.Report.Companies)
		nReferrals += len(cases[i].c.Referrals)
		nSteps += len(cases[i].plan.steps)
		nMessages += len(cases[i].c.Messages)
	}
	var ids [5][]int64
	for t, n := range [5]int{len(cases), nCompanies, nReferrals, nSteps, nMessages} {
		if ids[t], err = s.reserveIDs(ctx, tx, idTables[t], n, seqs); err != nil {
			return nil, fmt.Errorf("reserve %s ids: %w", idTables[t], err)
		}
	}
	caseIDs, companyIDs, referralIDs, stepIDs, messageIDs := ids[0], ids[1], ids[2], ids[3], ids[4]

	tCases := &bulkTable{name: "cases", cols: []string{"id", "reference", "receipt_hash", "received_at", "channel", "language",
		"reporter_type", "anonymous", "consent_share_identity", "preferred_contact", "relation", "country", "people_affected",
		"urgency", "fears_retaliation", "raised_elsewhere", "stage", "stage_entered_at", "acknowledged_at",
		"last_reporter_news_at", "due_at", "outcome", "not_accepted_reason", "closed_at", "updated_at",
		"identity_name_sealed", "identity_contact_sealed", "site_sealed", "when_happened_sealed", "description_sealed",
		"remedy_sought_sealed", "raised_elsewhere_where_sealed", "public"}}
	tKeys := &bulkTable{name: "case_keys", cols: []string{"case_id", "holder", "wrapped", "kek_id"}}
	// case_stage and case_due_at copy the case's for the inbox's indexes (migration 00004).
	tCategories := &bulkTable{name: "case_categories", cols: []string{"case_id", "category", "case_stage", "case_due_at"}}
	tGroups := &bulkTable{name: "case_vulnerable_groups", cols: []string{"case_id", "grp"}}
	tCompanies := &bulkTable{name: "case_companies", cols: []string{"id", "case_id", "position", "member_id", "name_sealed", "relation", "case_stage", "case_due_at"}}
	tReferrals := &bulkTable{name: "referrals", cols: []string{"id", "case_id", "company_id", "member_id", "stage", "stage_entered_at",
		"forwarded_at", "due_at", "share_identity", "outcome", "remedy_types", "concluded_at", "updated_at", "case_stage", "case_due_at"}}
	tSteps := &bulkTable{name: "stage_events", cols: []string{"id", "case_id", "referral_id", "from_stage", "to_stage", "at", "actor_role", "code", "reason_sealed", "stage_days", "overdue"}}
	tMessages := &bulkTable{name: "messages", cols: []string{"id", "case_id", "thread", "author_role", "created_at", "body_sealed"}}
	tAttachments := &bulkTable{name: "attachments", cols: []string{"case_id", "content_type", "size_bytes", "created_at", "name_sealed", "content_sealed"}}
	tSources := &bulkTable{name: "import_sources", cols: []string{"source", "row_key", "case_id", "imported_at"}}
	importedAt := utc(s.now())
	tCases.args = make([]any, 0, len(cases)*len(tCases.cols))
	tSteps.args = make([]any, 0, nSteps*len(tSteps.cols))

	figures := figureCounts{}
	filed := make([]Filed, len(cases))
	var co, rf, st, ms int
	for i := range cases {
		pc := &cases[i]
		r, p, id := &pc.c.Report, pc.plan, caseIDs[i]
		received := utc(r.ReceivedAt)
		// A historic case was screened by the mechanism that recorded it and brought in by an
		// admin, not filed by a stranger: it counts as that mechanism counted it.
		public := true
		counted := figureCounts{}
		filed[i] = Filed{CaseID: id, Reference: refs[i], Receipt: pc.receipt}
		tCases.args = append(tCases.args, id, refs[i], pc.receiptHash, received, string(r.Channel), r.Language,
			string(r.ReporterType), r.Anonymous, r.ConsentShareIdentity, string(r.PreferredContact), string(r.Relation), r.Country, r.PeopleAffected,
			string(r.Urgency), r.FearsRetaliation, r.RaisedElsewhere, string(p.stage), p.entered, nullTime(p.acknowledged),
			p.lastNews, nullTime(p.due), string(p.outcome), string(p.notAccepted), nullTime(p.closed), p.entered,
			pc.fields[0], pc.fields[1], pc.fields[2], pc.fields[3], pc.fields[4], pc.fields[5], pc.fields[6], public)
		tKeys.args = append(tKeys.args, id, "kek", pc.wrapped, s.keys.CurrentID())
		counted.intake(s.monthOf(received), string(r.Channel), r.Language, string(r.ReporterType), r.Country, codes(r.Categories))
		if pc.c.Source != "" {
			tSources.args = append(tSources.args, pc.c.Source, pc.c.SourceKey, id, importedAt)
		}
		for _, c := range r.Categories {
			tCategories.args = append(tCategories.args, id, string(c), string(p.stage), nullTime(p.due))
		}
		for _, g := range r.VulnerableGroups {
			tGroups.args = append(tGroups.args, id, string(g))
		}
		firstCompany := co
		for k, c := range r.Companies {
			tCompanies.args = append(tCompanies.args, companyIDs[co], id, k, nullInt(c.MemberID), pc.companies[k], string(c.Relation), string(p.stage), nullTime(p.due))
			co++
		}
		firstReferral := rf
		for j, ref := range pc.c.Referrals {
			rs := p.referrals[j]
			due, _ := s.timeline.ReferralDue(rs.stage, rs.entered)
			remedies := make([]string, len(ref.RemedyTypes))
			for k, t := range ref.RemedyTypes {
				remedies[k] = string(t)
			}
			tReferrals.args = append(tReferrals.args, referralIDs[rf], id, companyIDs[firstCompany+ref.CompanyIndex],
				nullInt(r.Companies[ref.CompanyIndex].MemberID), string(rs.stage), rs.entered, rs.forwarded, nullTime(due),
				false, string(rs.outcome), strings.Join(remedies, ","), nullTime(rs.settled), rs.entered, string(p.stage), nullTime(p.due))
			rf++
		}
		for k, sp := range p.steps {
			var referral any
			if sp.referral >= 0 {
				referral = referralIDs[firstReferral+sp.referral]
			}
			days, overdue := sp.left.spent(sp.at)
			switch {
			case sp.from != "":
				counted.move(s.monthOf(sp.at), sp.from, sp.to, days, overdue, sp.code)
			case sp.referral >= 0:
				counted.referral(s.monthOf(sp.at), r.Companies[pc.c.Referrals[sp.referral].CompanyIndex].MemberID)
			}
			tSteps.args = append(tSteps.args, stepIDs[st], id, referral, sp.from, sp.to, sp.at, string(sp.role), sp.code, pc.reasons[k], days, overdue)
			st++
		}
		if public {
			for k, n := range counted {
				figures[k] += n
			}
		}
		for k, m := range pc.c.Messages {
			tMessages.args = append(tMessages.args, messageIDs[ms], id, m.Thread, string(m.AuthorRole), utc(m.At), pc.bodies[k])
			ms++
		}
		for k, a := range r.Attachments {
			tAttachments.args = append(tAttachments.args, id, a.ContentType, len(a.Data), received, pc.attachments[k][0], pc.attachments[k][1])
		}
	}
	// Parents before children: foreign keys are checked row by row.
	for _, t := range []*bulkTable{tCases, tKeys, tSources, tCategories, tGroups, tCompanies, tReferrals, tSteps, tMessages, tAttachments} {
		if err := s.bulkInsert(ctx, tx, t); err != nil {
			return nil, fmt.Errorf("insert %s: %w", t.name, err)
		}
	}
	if err := s.addFigures(ctx, tx, figures); err != nil {
		return nil, fmt.Errorf("statistics figures: %w", err)
	}
	err = s.appendAudit(ctx, tx, actor, "case.import", 0, map[string]any{"count": len(cases), "first": refs[0], "last": refs[len(refs)-1]})
	return filed, err
}

// idTables are the tables whose ids the importer assigns itself, so that children can point at
// parents without a round trip per row and histories keep their order.
var idTables = [5]string{"cases", "case_companies", "referrals", "stage_events", "messages"}

// idSequences finds the identity sequences behind idTables on PostgreSQL.
func (s *Store) idSequences(ctx context.Context) (map[string]string, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	seqs := map[string]string{}
	for _, t := range idTables {
		var seq string
		if err := s.db.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, t).Scan(&seq); err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", t, err)
		}
		seqs[t] = seq
	}
	return seqs, nil
}

// reserveIDs hands out n new ids of table in increasing order. SQLite's write transaction holds
// the database lock, so the ids above the current maximum are ours; PostgreSQL's sequence gives
// ids no other transaction will get.
func (s *Store) reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int, seqs map[string]string) ([]int64, error) {
	ids := make([]int64, n)
	if n == 0 {
		return ids, nil
	}
	if s.dialect != Postgres {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, err
		}
		for i := range ids {
			ids[i] = last + 1 + int64(i)
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(CAST($1 AS regclass)) FROM generate_series(1, $2)`, seqs[table], n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if i == n {
			return nil, errors.New("too many ids")
		}
		if err := rows.Scan(&ids[i]); err != nil {
			return nil, err
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if i != n {
		return nil, fmt.Errorf("got %d ids, want %d", i, n)
	}
	slices.Sort(ids)
	return ids, nil
}

// reserveReferences takes a block of numbers per year from the counters nextReference uses, so
// imported and filed cases share one numbering, in the order the cases come.
func (s *Store) reserveReferences(ctx context.Context, tx *sql.Tx, cases []preparedCase) ([]string, error) {
	years := make([]int, len(cases))
	count := map[int]int{}
	var order []int
	for i := range cases {
		y := s.timeline.LocalDate(cases[i].c.Report.ReceivedAt).Year()
		years[i] = y
		if count[y] == 0 {
			order = append(order, y)
		}
		count[y]++
	}
	next := map[int]int{}
	for _, y := range order {
		var last int
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO reference_counters (year, last) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + excluded.last RETURNING last`), y, count[y]).Scan(&last)
		if err != nil {
			return nil, err
		}
		next[y] = last - count[y] + 1
	}
	refs := make([]string, len(cases))
	for i, y := range years {
		refs[i] = grievance.FormatReference(y, next[y])
		next[y]++
	}
	return refs, nil
}

// bulkInsert writes t's rows with as few statements as the parameter limits allow, reusing one
// prepared statement for every full chunk.
func (s *Store) bulkInsert(ctx context.Context, tx *sql.Tx, t *bulkTable) error {
	n := len(t.cols)
	rows := len(t.args) / n
	per := min(bulkRows, bulkParams/n)
	var full *sql.Stmt
	for off := 0; off < rows; off += per {
		k := min(per, rows-off)
		args := t.args[off*n : (off+k)*n]
		var err error
		if k == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, s.insertRows(t, k)); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.insertRows(t, k), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// insertRows is INSERT INTO t (…) VALUES (…), … for k rows, with the dialect's placeholders
// (built here rather than through s.q, whose cache would keep every chunk size forever).
func (s *Store) insertRows(t *bulkTable, k int) string {
	var b strings.Builder
	n := len(t.cols)
	b.Grow(32 + 12*n + k*n*7)
	b.WriteString("INSERT INTO ")
	b.WriteString(t.name)
	b.WriteString(" (")
	b.WriteString(strings.Join(t.cols, ", "))
	b.WriteString(") VALUES ")
	p := 0
	for r := 0; r < k; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < n; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			p++
			if s.dialect == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(t.suffix)
	return b.String()
}
