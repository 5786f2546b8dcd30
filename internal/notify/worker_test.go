package notify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// clock is the simulated clock the store and the worker share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start is a Monday in May, 10:00 in Tokyo: far from a fiscal year's start.
var start = time.Date(2026, 5, 11, 1, 0, 0, 0, time.UTC)

var sys = store.Actor{Role: string(grievance.RoleSystem)}

// world is a store on the simulated clock with one member company and a user of each role.
type world struct {
	t                          *testing.T
	s                          *store.Store
	c                          *clock
	member                     int64
	handler, handler2, company store.User
	expert, panel, admin       store.User
}

func newWorld(t *testing.T, d store.Dialect) *world {
	c := &clock{t: start}
	w := &world{t: t, c: c, s: storetest.Open(t, d, storetest.Options{Now: c.Now})}
	ctx := context.Background()
	var err error
	if w.member, err = w.s.CreateMember(ctx, store.Member{NameEN: "Example Garments Ltd", Sector: "apparel"}, sys); err != nil {
		t.Fatal(err)
	}
	w.handler = w.user(grievance.RoleHandler, 0)
	w.handler2 = w.user(grievance.RoleHandler, 0)
	w.company = w.user(grievance.RoleMember, w.member)
	w.expert = w.user(grievance.RoleExpert, 0)
	w.panel = w.user(grievance.RolePanel, 0)
	w.admin = w.user(grievance.RoleAdmin, 0)
	return w
}

func (w *world) user(role grievance.Role, member int64) store.User {
	u := store.User{Email: fmt.Sprintf("%s%d@example.org", role, time.Now().UnixNano()%1e6), DisplayName: "Secret Staff Name", Role: role, MemberID: member}
	var err error
	if u.ID, err = w.s.CreateUser(context.Background(), u, "x", sys); err != nil {
		w.t.Fatal(err)
	}
	return u
}

const (
	narrative    = "SECRET-NARRATIVE: our passports were taken at the dormitory"
	reporterName = "Secret Reporter Name"
	reporterMail = "reporter@example.net"
)

func (w *world) file() store.Filed {
	r := grievance.Report{
		Channel: grievance.ChannelWeb, Language: "vi", Country: "VN", Description: narrative,
		IdentityName: reporterName, IdentityContact: "+84 000", Companies: []grievance.CompanyRef{{MemberID: w.member}},
		Categories: []grievance.Category{"forced_labour"}, NotifyEmail: reporterMail,
	}
	r.Normalize()
	if fe := r.Validate(grievance.DefaultLimits); fe != nil {
		w.t.Fatal(fe)
	}
	f, err := w.s.CreateCase(context.Background(), r, store.Actor{Role: string(grievance.RoleReporter)})
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *world) worker(m Mailer) *Worker {
	return New(w.s, Config{Mailer: m, PublicURL: "https://remedy.example.org/", Holder: "test"})
}

func (w *world) round(wk *Worker) RoundResult {
	w.t.Helper()
	r, err := wk.Round(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// TestLifecycleNotifications walks one case from filing to closing over real SMTP and counts
// what each role received; every mail is checked for case content.
func TestLifecycleNotifications(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			k := newSink(t)
			smtpMailer, err := NewSMTP(k.config())
			w.must(err)
			wk := w.worker(smtpMailer)
			ctx := context.Background()
			h := w.handler.Actor()
			step := func() { w.c.Add(time.Hour); w.round(wk) }

			f := w.file()
			step()
			w.must(w.s.AssignHandler(ctx, f.CaseID, w.handler.ID, h))
			w.must(w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAcknowledged, Actor: h}))
			step()
			w.must(w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseScreening, Actor: h}))
			w.must(w.s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAwaitingInformation, Actor: h, Question: "Which dormitory?"}))
			w.c.Add(24 * time.Hour)
			step()
			_, err = w.s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: store.Actor{Role: "reporter"}, Body: "SECRET-ANSWER block C"})
			w.must(err)
			step()
			companies, err := w.s.CaseCompanies(ctx, f.CaseID)
			w.must(err)
			w.must(w.s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h, Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "shared"}}}))
			step()
			refs, err := w.s.Referrals(ctx, f.CaseID)
			w.must(err)
			ref := refs[0].ID
			w.must(w.s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref, To: grievance.ReferralResponded, Actor: w.company.Actor()}))
			step()
			_, err = w.s.MemberMessage(ctx, w.member, ref, "SECRET-COMPANY-TEXT", nil, w.company.Actor())
			w.must(err)
			_, err = w.s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadCompany, ReferralID: ref, Author: h, Body: "SECRET-SECRETARIAT-TEXT"})
			w.must(err)
			w.must(w.s.AssignExpert(ctx, f.CaseID, w.expert.ID, h))
			step()
			w.must(w.s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref, To: grievance.ReferralDialogue, Actor: h}))
			w.must(w.s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref, To: grievance.ReferralRemedyAgreed, Actor: h, RemedyTypes: []grievance.RemedyType{"restitution"}}))
			w.must(w.s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref, To: grievance.ReferralMonitoring, Actor: h}))
			step()
			// Ninety days of monitoring pass with no check: the reminders and the monitoring rule.
			for range 92 {
				w.c.Add(24 * time.Hour)
				w.round(wk)
			}
			w.must(w.s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref, To: grievance.ReferralConcluded, Actor: h, Outcome: "resolved"}))
			w.must(w.s.CloseCase(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"}, ""))
			step()
			// The next fiscal year begins: last year's annual report is ready.
			for w.c.Now().Before(time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC)) {
				w.c.Add(24 * time.Hour)
				w.round(wk)
			}

			byRole := map[string]int{}
			kinds := map[string]map[string]int{}
			roleOf := map[string]string{
				w.handler.Email: "handler (assigned)", w.handler2.Email: "handler (other)", w.company.Email: "member",
				w.expert.Email: "expert", w.panel.Email: "panel", w.admin.Email: "admin", reporterMail: "reporter",
			}
			for _, m := range k.mails() {
				role := roleOf[m.To]
				byRole[role]++
				checkNoContent(t, m, f)
				if role == "reporter" && strings.Contains(m.Subject, f.Reference) {
					t.Errorf("the reporter's subject names the case: %q", m.Subject)
				}
				if role == "reporter" && strings.Contains(m.Body, f.Reference) {
					t.Errorf("the reporter's mail names the case")
				}
				if kinds[role] == nil {
					kinds[role] = map[string]int{}
				}
				kinds[role][m.Subject]++
			}
			for _, role := range []string{"handler (assigned)", "handler (other)", "member", "expert", "panel", "admin", "reporter"} {
				t.Logf("%s: %d mails %v", role, byRole[role], kinds[role])
			}
			if byRole["admin"] != 0 {
				t.Errorf("the admin got %d mails about case work", byRole["admin"])
			}
			for _, role := range []string{"handler (assigned)", "member", "expert", "panel", "reporter"} {
				if byRole[role] == 0 {
					t.Errorf("%s got no mail", role)
				}
			}
			rows, err := w.s.OutboxRows(ctx)
			w.must(err)
			for _, r := range rows {
				if !r.Sent {
					t.Errorf("row %d (%s) not sent: %+v", r.ID, r.Kind, r)
				}
			}
			if len(k.mails()) != countIDs(k.mails()) {
				t.Errorf("a Message-ID arrived twice")
			}
		})
	}
}

func countIDs(ms []received) int {
	ids := map[string]bool{}
	for _, m := range ms {
		ids[m.MessageID] = true
	}
	return len(ids)
}

// checkNoContent fails when a mail carries anything of the case beyond its reference.
func checkNoContent(t *testing.T, m received, f store.Filed) {
	t.Helper()
	for _, secret := range []string{"SECRET", "passport", reporterName, f.Receipt, seal.FormatReceipt(f.Receipt), "+84", "Example Garments", "Secret Staff Name"} {
		if strings.Contains(m.Raw, secret) || strings.Contains(m.Body, secret) || strings.Contains(m.Subject, secret) {
			t.Errorf("mail to %s (%q) carries %q", m.To, m.Subject, secret)
		}
	}
}

// TestSMTPDownForAnHour: the server refuses every mail (451) for an hour of simulated time, then
// accepts. Nothing is lost and nothing arrives twice.
func TestSMTPDownForAnHour(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			k := newSink(t)
			back := start.Add(time.Hour)
			k.down = func() bool { return w.c.Now().Before(back) }
			m, err := NewSMTP(k.config())
			w.must(err)
			wk := w.worker(m)
			var filed []store.Filed
			for range 10 {
				filed = append(filed, w.file())
			}
			for i := 0; i < 180; i++ { // three hours, a round a minute
				w.round(wk)
				w.c.Add(time.Minute)
			}
			rows, err := w.s.OutboxRows(context.Background())
			w.must(err)
			sent, failed, maxAttempts := 0, 0, 0
			for _, r := range rows {
				if r.Sent {
					sent++
				}
				if r.Failed {
					failed++
				}
				maxAttempts = max(maxAttempts, r.Attempts)
			}
			got := k.mails()
			perID := map[string]int{}
			for _, m := range got {
				perID[m.MessageID]++
			}
			dups := 0
			for _, n := range perID {
				dups += n - 1
			}
			t.Logf("queued %d, sent %d, duplicated %d, lost %d; the server refused %d attempts; at most %d attempts for one", len(rows), len(got), dups, len(rows)-sent-failed, k.refused, maxAttempts)
			if len(rows) != 10*2 { // two handlers each
				t.Fatalf("%d rows queued, want 20", len(rows))
			}
			if sent != len(rows) || failed != 0 || len(got) != len(rows) || dups != 0 {
				t.Errorf("sent %d of %d rows (failed %d), %d mails arrived, %d duplicates", sent, len(rows), failed, len(got), dups)
			}
			if k.refused == 0 {
				t.Error("the server never refused: the test tested nothing")
			}
		})
	}
}

// TestReporterMailSaysNothing: the reporter's mail names neither the case nor anything in it.
func TestReporterMailSaysNothing(t *testing.T) {
	w := newWorld(t, store.SQLite)
	k := newSink(t)
	m, err := NewSMTP(k.config())
	w.must(err)
	f := w.file()
	w.must(w.s.ChangeCaseStage(context.Background(), store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAcknowledged, Actor: w.handler.Actor()}))
	w.round(w.worker(m))
	var mine []received
	for _, got := range k.mails() {
		checkNoContent(t, got, f)
		if got.To == reporterMail {
			mine = append(mine, got)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("the reporter got %d mails, want 1", len(mine))
	}
	if strings.Contains(mine[0].Raw, f.Reference) || strings.Contains(mine[0].Body, f.Reference) {
		t.Error("the reporter's mail names the case")
	}
	if !strings.Contains(mine[0].Body, "https://remedy.example.org/follow-up") {
		t.Errorf("no sign-in link: %q", mine[0].Body)
	}
	// The case is in Vietnamese: so is the mail.
	if !strings.Contains(mine[0].Subject, "tin mới") {
		t.Errorf("subject not in the case's language: %q", mine[0].Subject)
	}
	// Removing the address stops what was still queued.
	w.must(w.s.ChangeCaseStage(context.Background(), store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseScreening, Actor: w.handler.Actor()}))
	w.c.Add(25 * time.Hour)
	w.must(w.s.ChangeCaseStage(context.Background(), store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAwaitingInformation, Actor: w.handler.Actor(), Question: "?"}))
	w.must(w.s.RemoveReporterAddress(context.Background(), f.CaseID, store.Actor{Role: "reporter"}))
	r := w.round(w.worker(m))
	if r.Dropped != 1 {
		t.Errorf("dropped %d, want the one queued before the address was removed", r.Dropped)
	}
}

// TestTwoWorkersOneDatabase: two instances on one database, each with its own store and worker,
// work rounds at the same time; only one holds the lease, and every mail arrives once.
func TestTwoWorkersOneDatabase(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			c := &clock{t: start}
			keys := storetest.Keyring(t)
			cfg := store.Config{Keys: keys, Timeline: storetest.Timeline(t), Now: c.Now}
			if d == store.Postgres {
				cfg.DatabaseURL = storetest.PostgresSchema(t)
			} else {
				cfg.DataDir = t.TempDir()
			}
			open := func() *store.Store {
				s, err := store.Open(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			a, b := open(), open()
			w := &world{t: t, c: c, s: a}
			var err error
			if w.member, err = a.CreateMember(context.Background(), store.Member{NameEN: "Example Garments Ltd"}, sys); err != nil {
				t.Fatal(err)
			}
			w.handler = w.user(grievance.RoleHandler, 0)
			k := newSink(t)
			m, err := NewSMTP(k.config())
			w.must(err)
			wa := New(a, Config{Mailer: m, Holder: "instance-a", Batch: 3})
			wb := New(b, Config{Mailer: m, Holder: "instance-b", Batch: 3})
			for range 12 {
				w.file()
			}
			leaders := map[string]int{}
			for i := 0; i < 20; i++ {
				var wg sync.WaitGroup
				var mu sync.Mutex
				for name, wk := range map[string]*Worker{"a": wa, "b": wb} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r, err := wk.Round(context.Background())
						if err != nil {
							t.Error(err)
						}
						if r.Leader {
							mu.Lock()
							leaders[name]++
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				if i == 4 { // the leader stops without a word: the other takes over when its lease ends
					c.Add(2 * time.Minute)
				}
				c.Add(10 * time.Second)
			}
			got := k.mails()
			if len(got) != 12 || countIDs(got) != 12 {
				t.Errorf("%d mails, %d distinct, want 12 once each", len(got), countIDs(got))
			}
			t.Logf("rounds led: %v", leaders)
			if leaders["a"]+leaders["b"] != 20 {
				t.Errorf("rounds with a leader: %v, want one leader in each of 20 rounds", leaders)
			}
		})
	}
}
