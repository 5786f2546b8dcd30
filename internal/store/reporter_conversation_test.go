package store_test

import (
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestReporterWritingAfterTheEndPutsTheCaseBeforeTheDesk: a reporter's message to a case that has
// ended, whichever way it ended, lists the case for the desk without moving it, until a handler
// marks it handled; the first message not dealt with keeps its time.
func TestReporterWritingAfterTheEndPutsTheCaseBeforeTheDesk(t *testing.T) {
	end := map[string]func(t *testing.T, s *store.Store, id int64){
		"closed": func(t *testing.T, s *store.Store, id int64) { closeCase(t, s, id) },
		"withdrawn": func(t *testing.T, s *store.Store, id int64) {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: grievance.CaseWithdrawn, Actor: reporter}); err != nil {
				t.Fatal(err)
			}
		},
		"not_accepted": func(t *testing.T, s *store.Store, id int64) {
			h := handler(t, s)
			for _, c := range []store.CaseStageChange{{To: grievance.CaseAcknowledged}, {To: grievance.CaseScreening},
				{To: grievance.CaseNotAccepted, NotAcceptedReason: "outside_mandate", ReferralText: "the labour office"}} {
				c.CaseID, c.Actor = id, h
				if err := s.ChangeCaseStage(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		},
	}
	for stage, finish := range end {
		t.Run(stage, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				open := mustFile(t, s, report("still open"))
				if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: open.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "a question"}); err != nil {
					t.Fatal(err)
				}
				f := mustFile(t, s, report("ended"))
				finish(t, s, f.CaseID)
				if at, _ := s.AfterEndMessage(ctx, f.CaseID); !at.IsZero() {
					t.Fatalf("marked before the reporter wrote: %v", at)
				}
				// A handler's message to the reporter is not the reporter writing.
				if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: handler(t, s), Body: "we are here"}); err != nil {
					t.Fatal(err)
				}
				if list, _ := s.AfterEndCases(ctx, 10); len(list) != 0 {
					t.Fatalf("listed before the reporter wrote: %+v", list)
				}
				for _, body := range []string{"They fired me for reporting.", "And again."} {
					if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: body}); err != nil {
						t.Fatal(err)
					}
				}
				list, err := s.AfterEndCases(ctx, 10)
				if err != nil || len(list) != 1 || list[0].ID != f.CaseID || string(list[0].Stage) != stage {
					t.Fatalf("listed %+v, %v", list, err)
				}
				c, _ := s.ReporterCase(ctx, f.CaseID)
				if string(c.Stage) != stage || len(c.Messages) < 3 || c.Messages[len(c.Messages)-1].Body != "And again." {
					t.Fatalf("stage %s with messages %+v", c.Stage, c.Messages)
				}
				member, _ := memberUser(t, s, "Nosy "+stage)
				if err := s.DeleteAfterEndMessage(ctx, f.CaseID, member); !errors.Is(err, store.ErrForbidden) {
					t.Fatalf("a member marked it handled: %v", err)
				}
				if err := s.DeleteAfterEndMessage(ctx, f.CaseID, handler(t, s)); err != nil {
					t.Fatal(err)
				}
				if list, _ := s.AfterEndCases(ctx, 10); len(list) != 0 {
					t.Fatalf("still listed once handled: %+v", list)
				}
				if err := s.DeleteAfterEndMessage(ctx, f.CaseID, handler(t, s)); err != nil {
					t.Fatalf("marking it handled twice: %v", err)
				}
			})
		})
	}
}

// TestFilingTokenFilesOnce: the same token files one case whatever happens — sent again in turn
// or at the same moment — and gives the receipt back only with the same content, and only for
// a while; the reference stays known after that, so a late repeat still files nothing.
func TestFilingTokenFilesOnce(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			s := storetest.Open(t, d, storetest.Options{Now: clock})
			once := store.FilingToken{Token: "tok-abcdefghijklmnopqrs", Digest: sha256.Sum256([]byte("the report"))}
			if _, err := s.FilingRepeat(ctx, once); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("an unused token: %v", err)
			}
			var wg sync.WaitGroup
			results := make([]error, 4)
			filed := make([]store.Filed, 4)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					filed[i], results[i] = s.CreateCaseOnce(ctx, report("the report"), reporter, once)
				}()
			}
			wg.Wait()
			var first store.Filed
			for i, err := range results {
				switch {
				case err == nil && first.CaseID == 0:
					first = filed[i]
				case err == nil:
					t.Fatalf("two cases filed with one token: %d and %d", first.CaseID, filed[i].CaseID)
				case !errors.Is(err, store.ErrFilingTokenUsed):
					t.Fatalf("a repeat: %v", err)
				}
			}
			if first.CaseID == 0 {
				t.Fatal("nothing filed")
			}
			got, err := s.FilingRepeat(ctx, once)
			if err != nil || got.CaseID != first.CaseID || got.Receipt != first.Receipt || !got.SameContent || got.Reference != first.Reference {
				t.Fatalf("repeat %+v, %v; filed %+v", got, err, first)
			}
			other := once
			other.Digest = sha256.Sum256([]byte("another report"))
			if got, _ := s.FilingRepeat(ctx, other); got.SameContent || got.Receipt != "" || got.Reference != "" {
				t.Fatalf("other content under the token learns %+v", got)
			}
			if _, err := s.FilingRepeat(ctx, store.FilingToken{Token: "tok-abcdefghijklmnopqrt", Digest: once.Digest}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a neighbouring token: %v", err)
			}

			mu.Lock()
			now = now.Add(store.FilingReceiptTTL + time.Second)
			mu.Unlock()
			// The next filing drops the sealed receipt; the token still answers.
			mustFile(t, s, report("someone else"))
			if _, err := s.CreateCaseOnce(ctx, report("a third"), reporter, store.FilingToken{Token: "tok-zzzzzzzzzzzzzzzzzzz"}); err != nil {
				t.Fatal(err)
			}
			got, err = s.FilingRepeat(ctx, once)
			if err != nil || got.CaseID != first.CaseID || got.Receipt != "" || !got.ReceiptExpired {
				t.Fatalf("after the receipt's time: %+v, %v", got, err)
			}
			if _, err := s.CreateCaseOnce(ctx, report("the report"), reporter, once); !errors.Is(err, store.ErrFilingTokenUsed) {
				t.Fatalf("filing again after the receipt's time: %v", err)
			}
		})
	}
}

// TestReporterDraftGoesOnlyToItsCase: a message kept when a session lapsed opens for its own case
// only, and not once its time has passed; the lapsed session tells its case for that long, and
// opens nothing.
func TestReporterDraftGoesOnlyToItsCase(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }})
			mine, theirs := mustFile(t, s, report("mine")), mustFile(t, s, report("theirs"))
			session, err := s.CreateReporterSession(ctx, mine.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(store.ReporterSessionIdle + time.Minute)
			if _, err := s.ReporterSessionCase(ctx, session); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the lapsed session still opens: %v", err)
			}
			// Another reporter signing in meanwhile sweeps, but keeps the lapsed session for now.
			if _, err := s.CreateReporterSession(ctx, theirs.CaseID); err != nil {
				t.Fatal(err)
			}
			id, err := s.LapsedReporterSessionCase(ctx, session)
			if err != nil || id != mine.CaseID {
				t.Fatalf("lapsed session's case %d, %v", id, err)
			}
			const body = "Ông chủ đe dọa tôi sau khi vụ việc kết thúc."
			token, err := s.CreateReporterDraft(ctx, id, body)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.ReporterDraft(ctx, token, theirs.CaseID); !errors.Is(err, store.ErrNotFound) || got != "" {
				t.Fatalf("another case gets the draft: %q, %v", got, err)
			}
			if got, err := s.ReporterDraft(ctx, token, mine.CaseID); err != nil || got != body {
				t.Fatalf("draft %q, %v", got, err)
			}
			if got, _ := s.ReporterDraft(ctx, session, mine.CaseID); got != "" {
				t.Fatal("the session token opens the draft")
			}
			now = now.Add(store.ReporterDraftTTL + time.Minute)
			if _, err := s.ReporterDraft(ctx, token, mine.CaseID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("an old draft: %v", err)
			}
			if _, err := s.LapsedReporterSessionCase(ctx, session); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a long-lapsed session: %v", err)
			}
		})
	}
}
