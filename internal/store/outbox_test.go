package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

type outboxWorld struct {
	t        *testing.T
	s        *store.Store
	now      *time.Time
	handlers []store.User
}

func newOutboxWorld(t *testing.T, d store.Dialect) *outboxWorld {
	now := time.Date(2026, 5, 11, 1, 0, 0, 0, time.UTC)
	w := &outboxWorld{t: t, now: &now}
	w.s = storetest.Open(t, d, storetest.Options{Now: func() time.Time { return *w.now }})
	for _, email := range []string{"h1@example.org", "h2@example.org"} {
		u := store.User{Email: email, DisplayName: "H", Role: grievance.RoleHandler}
		var err error
		if u.ID, err = w.s.CreateUser(context.Background(), u, "x", store.Actor{Role: "system"}); err != nil {
			t.Fatal(err)
		}
		w.handlers = append(w.handlers, u)
	}
	return w
}

func (w *outboxWorld) file() store.Filed {
	w.t.Helper()
	r := grievance.Report{Channel: grievance.ChannelWeb, Language: "en", Country: "VN", Description: "x",
		Companies: []grievance.CompanyRef{{Name: "A Factory"}}, Anonymous: true}
	r.Normalize()
	f, err := w.s.CreateCase(context.Background(), r, store.Actor{Role: "reporter"})
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *outboxWorld) rows() []store.OutboxRow {
	w.t.Helper()
	rows, err := w.s.OutboxRows(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return rows
}

// TestOutboxInTheChangesTransaction: a change writes its notices with it; a change that fails
// writes none.
func TestOutboxInTheChangesTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		f := w.file()
		if got := len(w.rows()); got != 2 {
			t.Fatalf("filing queued %d notices, want one per handler", got)
		}
		if err := w.s.SetReporterAddress(ctx, f.CaseID, "r@example.net", store.Actor{Role: "reporter"}); err != nil {
			t.Fatal(err)
		}
		h := w.handlers[0].Actor()
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		before := len(w.rows())
		// Accepting with identity shared though the reporter never consented fails after the
		// move (and its reporter notice) was written: all of it rolls back.
		companies, _ := w.s.CaseCompanies(ctx, f.CaseID)
		*w.now = w.now.Add(48 * time.Hour) // a new day: the reporter notice would be a new one
		err := w.s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h, Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, ShareIdentity: true}}})
		if err == nil {
			t.Fatal("accepted with identity shared without consent")
		}
		if after := len(w.rows()); after != before {
			t.Errorf("a failed change left %d outbox rows", after-before)
		}
		// An illegal move writes nothing either.
		if err := w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"}); err == nil {
			t.Fatal("closed an unaccepted case")
		}
		if after := len(w.rows()); after != before {
			t.Errorf("an illegal move left %d outbox rows", after-before)
		}
	})
}

// TestNoticePrefs: off gets nothing (but a handler's overdue digest), digest waits for 08:00,
// immediate goes at once.
func TestNoticePrefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		off, digest := w.handlers[0], w.handlers[1]
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.s.SetNoticePref(ctx, off.ID, store.NoticePref{Mode: grievance.NoticeOff, Language: "ja"}, off.Actor()))
		must(w.s.SetNoticePref(ctx, digest.ID, store.NoticePref{Mode: grievance.NoticeDigest, Language: "en"}, digest.Actor()))
		if err := w.s.SetNoticePref(ctx, off.ID, store.NoticePref{Mode: "sometimes", Language: "en"}, off.Actor()); err == nil {
			t.Error("saved an unknown mode")
		}
		f := w.file()
		rows := w.rows()
		if len(rows) != 1 || rows[0].UserID != digest.ID || !rows[0].Digest {
			t.Fatalf("rows %+v, want one digest row for the digest handler", rows)
		}
		if items, _ := w.s.ClaimOutbox(ctx, 10, time.Minute); len(items) != 0 {
			t.Errorf("a digest notice went at 10:00, before the 08:00 digest")
		}
		*w.now = time.Date(2026, 5, 11, 23, 0, 0, 0, time.UTC) // 08:00 on the 12th in Tokyo
		items, err := w.s.ClaimOutbox(ctx, 10, time.Minute)
		must(err)
		if len(items) != 1 || items[0].Language != "en" {
			t.Errorf("at the digest hour: %+v", items)
		}
		// The case goes overdue (7 days to acknowledge): both handlers hear of it, "off" too.
		*w.now = w.now.Add(8 * 24 * time.Hour)
		if _, err := w.s.RunClock(ctx, 3); err != nil {
			t.Fatal(err)
		}
		got := map[int64]store.OutboxRow{}
		for _, r := range w.rows() {
			if r.Kind == grievance.NoticeOverdue && r.CaseID == f.CaseID {
				got[r.UserID] = r
			}
		}
		if !got[off.ID].Digest || !got[digest.ID].Digest {
			t.Errorf("overdue rows %+v, want a digest row for each handler, off or not", got)
		}
	})
}

// TestAnswerTimesOut: a case awaiting the reporter's answer goes back to screening when its
// answer deadline passes, not a minute before; the move is the system's, audited, and once.
func TestAnswerTimesOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		f := w.file()
		h := w.handlers[0].Actor()
		for _, c := range []store.CaseStageChange{
			{CaseID: f.CaseID, To: grievance.CaseAcknowledged, Actor: h},
			{CaseID: f.CaseID, To: grievance.CaseScreening, Actor: h},
			{CaseID: f.CaseID, To: grievance.CaseAwaitingInformation, Actor: h, Question: "Which site?"},
		} {
			if err := w.s.ChangeCaseStage(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		rc, _ := w.s.ReporterCase(ctx, f.CaseID)
		due := rc.DueAt
		want := s.Timeline().DueAt(*w.now, s.Timeline().AnswerDays)
		if !due.Equal(want) {
			t.Fatalf("answer due %v, want %v", due, want)
		}
		stage := func() grievance.CaseStage {
			rc, err := w.s.ReporterCase(ctx, f.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			return rc.Stage
		}
		*w.now = due.Add(-time.Minute)
		r, err := w.s.RunClock(ctx, 3)
		if err != nil || r.TimedOut != 0 || stage() != grievance.CaseAwaitingInformation {
			t.Fatalf("a minute early: %+v %v, stage %s", r, err, stage())
		}
		*w.now = due
		if r, err = w.s.RunClock(ctx, 3); err != nil || r.TimedOut != 1 || stage() != grievance.CaseScreening {
			t.Fatalf("at the deadline: %+v %v, stage %s", r, err, stage())
		}
		if r, err = w.s.RunClock(ctx, 3); err != nil || r.TimedOut != 0 {
			t.Fatalf("again: %+v %v", r, err)
		}
		audit, _ := w.s.AuditEntries(ctx, f.CaseID)
		if last := audit[len(audit)-1]; last != "system case.stage" {
			t.Errorf("last audit entry %q, want the system's move", last)
		}
		timedOut := 0
		for _, row := range w.rows() {
			if row.Kind == grievance.NoticeAnswerTimedOut {
				timedOut++
			}
		}
		if timedOut != 2 {
			t.Errorf("%d time-out notices, want one per handler", timedOut)
		}
	})
}

// TestEscalationOnce: a company late with its response is escalated once (audited), however
// many rounds see it.
func TestEscalationOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		f := w.file()
		h := w.handlers[0].Actor()
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		companies, _ := w.s.CaseCompanies(ctx, f.CaseID)
		if err := w.s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h, Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID}}}); err != nil {
			t.Fatal(err)
		}
		*w.now = w.now.Add(32 * 24 * time.Hour)
		total := 0
		for range 3 {
			r, err := w.s.RunClock(ctx, 3)
			if err != nil {
				t.Fatal(err)
			}
			total += r.Escalated
			*w.now = w.now.Add(time.Hour)
		}
		if total != 1 {
			t.Errorf("escalated %d times, want once", total)
		}
		n := 0
		audit, _ := w.s.AuditEntries(ctx, f.CaseID)
		for _, a := range audit {
			if a == "system referral.escalate" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d escalation audit entries", n)
		}
	})
}

// TestLease: one holder at a time; the lease passes on when it runs out or is released.
func TestLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		take := func(holder string) bool {
			ok, err := w.s.TakeLease(ctx, "worker", holder, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a") || take("b") || !take("a") {
			t.Fatal("a should hold the lease, b not")
		}
		*w.now = w.now.Add(61 * time.Second)
		if !take("b") || take("a") {
			t.Fatal("b should hold the lease once a's ran out")
		}
		if err := w.s.ReleaseLease(ctx, "worker", "b"); err != nil {
			t.Fatal(err)
		}
		if !take("a") {
			t.Fatal("a should get a released lease")
		}
	})
}

// TestReporterNews: the reporter hears of the secretariat's moves and messages, once a day at
// most, and never of their own.
func TestReporterNews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOutboxWorld(t, s.Dialect())
		ctx := context.Background()
		reporter := store.Actor{Role: "reporter"}
		news := func() int {
			n := 0
			for _, r := range w.rows() {
				if r.Reporter {
					n++
				}
			}
			return n
		}
		f := w.file()
		if err := w.s.SetReporterAddress(ctx, f.CaseID, "r@example.net", reporter); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "more"}); err != nil {
			t.Fatal(err)
		}
		if err := w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
			t.Fatal(err)
		}
		if n := news(); n != 0 {
			t.Errorf("the reporter was told of their own doings: %d", n)
		}
		g := w.file()
		if err := w.s.SetReporterAddress(ctx, g.CaseID, "r@example.net", reporter); err != nil {
			t.Fatal(err)
		}
		h := w.handlers[0].Actor()
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			*w.now = w.now.Add(time.Minute)
			if err := w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: g.CaseID, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.CreateMessage(ctx, store.NewMessage{CaseID: g.CaseID, Thread: store.ThreadReporter, Author: h, Body: "hello"}); err != nil {
			t.Fatal(err)
		}
		if n := news(); n != 1 {
			t.Errorf("%d notices for one day's news, want 1", n)
		}
	})
}
