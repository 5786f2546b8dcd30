package store_test

import (
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// ticking is a clock that moves a minute each time it is read, so that every event is later
// than the look before it.
func ticking(start time.Time) func() time.Time {
	now := start
	return func() time.Time { now = now.Add(time.Minute); return now }
}

// eachTicking is storetest.Each with a ticking clock.
func eachTicking(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, storetest.Open(t, d, storetest.Options{Now: ticking(time.Now().Add(-time.Hour))}))
		})
	}
}

// deskMarks is what the desk's list says is new for viewer, by case.
func deskMarks(t *testing.T, s *store.Store, viewer int64) map[int64]store.InboxRow {
	t.Helper()
	in, err := s.Inbox(ctx, store.InboxFilter{Stages: grievance.CaseStages, Viewer: viewer}, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]store.InboxRow{}
	for _, r := range in.Rows {
		out[r.ID] = r
	}
	return out
}

func TestDeskMarksWhatIsNewForTheViewer(t *testing.T) {
	eachTicking(t, func(t *testing.T, s *store.Store) {
		ann, bob := handler(t, s), handler(t, s)
		c := mustFile(t, s, report("new report")).CaseID
		seen := func(who store.Actor) {
			t.Helper()
			if err := s.MarkCaseSeen(ctx, who.UserID, c, s.Now()); err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string, who store.Actor, wantNew, wantMessage bool) {
			t.Helper()
			r := deskMarks(t, s, who.UserID)[c]
			if r.New != wantNew || r.NewMessage != wantMessage {
				t.Fatalf("%s: handler %d sees new %v, new message %v; want %v, %v", step, who.UserID, r.New, r.NewMessage, wantNew, wantMessage)
			}
		}
		check("a report nobody opened", ann, true, false)
		seen(ann)
		check("opened", ann, false, false)
		check("opened by a colleague", bob, true, false)

		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: c, To: grievance.CaseAcknowledged, Actor: ann}); err != nil {
			t.Fatal(err)
		}
		check("her own move", ann, false, false)
		seen(bob)
		check("seen after Ann's move", bob, false, false)

		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: c, Thread: store.ThreadReporter, Author: reporter, Body: "more"}); err != nil {
			t.Fatal(err)
		}
		check("the reporter wrote", ann, true, true)
		check("the reporter wrote", bob, true, true)
		seen(ann)
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: c, Thread: store.ThreadInternal, Author: ann, Body: "note"}); err != nil {
			t.Fatal(err)
		}
		// Ann's note is the latest event; what Bob has not seen is still the reporter's message.
		check("her own note", ann, false, false)
		check("Ann's note", bob, true, true)
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: c, To: grievance.CaseScreening, Actor: bob}); err != nil {
			t.Fatal(err)
		}
		check("Bob's move after her note", ann, true, false)
		seen(bob)
		check("Bob opened it and moved it", bob, false, false)

		in, err := s.Inbox(ctx, store.InboxFilter{Stages: grievance.CaseStages}, s.Now())
		if err != nil || len(in.Rows) != 1 || in.Rows[0].New {
			t.Fatalf("without a viewer nothing is new: %+v, %v", in.Rows, err)
		}
		if err := s.MarkCaseSeen(ctx, ann.UserID, 999999, s.Now()); err != nil {
			t.Fatalf("marking a case that does not exist: %v", err)
		}
	})
}

func TestMemberMarksOnlyItsOwnReferral(t *testing.T) {
	eachTicking(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		alpha, alphaID := memberUser(t, s, "Alpha")
		beta, betaID := memberUser(t, s, "Beta")
		r := report("a supplier two brands share")
		r.Companies = []grievance.CompanyRef{{MemberID: alphaID, Relation: "supplier"}, {MemberID: betaID, Relation: "supplier"}}
		c := mustFile(t, s, r).CaseID
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: c, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		companies, _ := s.CaseCompanies(ctx, c)
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: c, To: grievance.CaseAccepted, Actor: h,
			Referrals: []store.NewReferral{{CompanyID: companies[0].ID}, {CompanyID: companies[1].ID}}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, c)
		ra, rb := refs[0].ID, refs[1].ID
		mark := func(who store.Actor) bool {
			t.Helper()
			rows, err := s.MemberReferrals(ctx, who.MemberID, who.UserID, s.Now())
			if err != nil || len(rows) != 1 {
				t.Fatalf("member %d: %+v, %v", who.MemberID, rows, err)
			}
			return rows[0].New
		}
		seen := func(who store.Actor) {
			t.Helper()
			if err := s.MarkCaseSeen(ctx, who.UserID, c, s.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if !mark(alpha) || !mark(beta) {
			t.Fatal("a referral just forwarded is not new to its company")
		}
		seen(alpha)
		seen(beta)
		// Everything on the case that is not Beta's referral: Alpha's thread and move, the
		// reporter's thread, an internal note.
		steps := []func() error{
			func() error {
				_, err := s.CreateMessage(ctx, store.NewMessage{CaseID: c, Thread: store.ThreadCompany, ReferralID: ra, Author: h, Body: "to Alpha"})
				return err
			},
			func() error {
				return s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ra, To: grievance.ReferralResponded, Actor: alpha, Reason: "our assessment"})
			},
			func() error {
				_, err := s.CreateMessage(ctx, store.NewMessage{CaseID: c, Thread: store.ThreadReporter, Author: reporter, Body: "reporter"})
				return err
			},
			func() error {
				_, err := s.CreateMessage(ctx, store.NewMessage{CaseID: c, Thread: store.ThreadInternal, Author: h, Body: "note"})
				return err
			},
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
			if mark(beta) {
				t.Fatalf("step %d: Beta's referral is marked new by what happened elsewhere on the case", i)
			}
		}
		if !mark(alpha) {
			t.Fatal("the secretariat's message to Alpha is not new to Alpha")
		}
		seen(alpha)
		if _, err := s.MemberMessage(ctx, alphaID, ra, "our reply", nil, alpha); err != nil {
			t.Fatal(err)
		}
		if mark(alpha) {
			t.Fatal("Alpha's own reply marks its referral new to Alpha")
		}
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: rb, To: grievance.ReferralResponded, Actor: beta, Reason: "ours"}); err != nil {
			t.Fatal(err)
		}
		if mark(beta) || mark(alpha) {
			t.Fatal("Beta's own move marks a referral new")
		}
		if deskMarks(t, s, h.UserID)[c].New != true {
			t.Fatal("the companies' moves are not new to the handler")
		}
	})
}

func TestAttentionOrder(t *testing.T) {
	eachTicking(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		now := s.Now()
		day := 24 * time.Hour
		file := func(receivedDaysAgo int, urgency grievance.Urgency, fears bool) int64 {
			t.Helper()
			r := report("x")
			r.ReceivedAt = now.Add(-time.Duration(receivedDaysAgo) * day)
			r.Urgency, r.FearsRetaliation = urgency, fears
			return mustFile(t, s, r).CaseID
		}
		// Acknowledgement is due 7 days after receipt: received 20 days ago is overdue, 3 days ago
		// due within the week; acknowledged cases have 30 days for screening.
		overdue := file(20, "normal", false)
		soon := file(3, "normal", false)
		calm := file(1, "normal", false)
		urgent := file(1, "urgent", false)
		afraid := file(1, "normal", true)
		written := file(1, "normal", false)
		for _, id := range []int64{calm, urgent, afraid, written} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: grievance.CaseAcknowledged, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: written, Thread: store.ThreadReporter, Author: reporter, Body: "news"}); err != nil {
			t.Fatal(err)
		}
		// An overdue case the handler has read everything of stays in its own place.
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: overdue, Thread: store.ThreadReporter, Author: reporter, Body: "read"}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkCaseSeen(ctx, h.UserID, overdue, s.Now()); err != nil {
			t.Fatal(err)
		}
		// Her own message is not news to her.
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: urgent, Thread: store.ThreadReporter, Author: h, Body: "mine"}); err != nil {
			t.Fatal(err)
		}
		closed := file(2, "immediate_danger", true)
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: closed, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
			t.Fatal(err)
		}
		want := []struct {
			id  int64
			why grievance.Attention
		}{{written, grievance.AttentionNewMessage}, {overdue, grievance.AttentionOverdue}, {soon, grievance.AttentionDueSoon},
			{urgent, grievance.AttentionRisk}, {afraid, grievance.AttentionRisk}}
		at := s.Now()
		for _, perPage := range []int{50, 2, 1} { // the parts meet inside a page and across pages
			var got []store.InboxRow
			for page := 1; page <= 10; page++ {
				in, err := s.Inbox(ctx, store.InboxFilter{Attention: true, Viewer: h.UserID, Page: page, PerPage: perPage}, at)
				if err != nil {
					t.Fatal(err)
				}
				if in.Total != len(want) {
					t.Fatalf("total %d, want %d", in.Total, len(want))
				}
				got = append(got, in.Rows...)
				if len(in.Rows) < perPage {
					break
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d a page: %d cases, want %d: %+v", perPage, len(got), len(want), got)
			}
			for i, w := range want {
				if got[i].ID != w.id || got[i].Attention != w.why {
					t.Fatalf("%d a page: place %d is case %d (%v), want case %d (%v)", perPage, i+1, got[i].ID, got[i].Attention, w.id, w.why)
				}
			}
		}
		// For a colleague who opened nothing, every message is news: the reporter's two and hers.
		other := handler(t, s)
		in, err := s.Inbox(ctx, store.InboxFilter{Attention: true, Viewer: other.UserID, PerPage: 50}, at)
		if err != nil {
			t.Fatal(err)
		}
		var front []int64
		for _, r := range in.Rows {
			if r.Attention == grievance.AttentionNewMessage {
				front = append(front, r.ID)
			}
		}
		if len(front) != 3 || in.Total != 5 {
			t.Fatalf("another handler's new messages: %v of %d", front, in.Total)
		}
	})
}
