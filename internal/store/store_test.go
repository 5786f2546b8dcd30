package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var (
	ctx      = context.Background()
	reporter = store.Actor{Role: "reporter"}
	system   = store.Actor{Role: "system"}
)

func report(description string) grievance.Report {
	r := grievance.Report{
		Channel: grievance.ChannelAPI, Language: "ja", Country: "JP", Description: description,
		Companies: []grievance.CompanyRef{{Name: "Factory"}}, Categories: []grievance.Category{"wages_benefits"},
	}
	r.Normalize()
	return r
}

func mustFile(t *testing.T, s *store.Store, r grievance.Report) store.Filed {
	t.Helper()
	if fe := r.Validate(grievance.DefaultLimits); fe != nil {
		t.Fatalf("invalid test report: %v", fe)
	}
	f, err := s.CreateCase(ctx, r, reporter)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFiledReportOpensWithItsReceiptOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := mustFile(t, s, report("賃金が3か月支払われていません。\n寮から出られません。"))
		other := mustFile(t, s, report("another report"))
		if !strings.HasPrefix(f.Reference, fmt.Sprintf("R-%d-", time.Now().In(s.Timeline().Zone).Year())) {
			t.Fatalf("reference %q", f.Reference)
		}
		id, err := s.CaseIDByReceipt(ctx, seal.FormatReceipt(f.Receipt))
		if err != nil || id != f.CaseID {
			t.Fatalf("receipt opened case %d, %v; want %d", id, err, f.CaseID)
		}
		if _, err := s.CaseIDByReceipt(ctx, "0000000000000000"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("wrong receipt: %v", err)
		}
		c, err := s.ReporterCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Description != "賃金が3か月支払われていません。\n寮から出られません。" || c.Stage != grievance.CaseReceived || c.Reference != f.Reference {
			t.Fatalf("reporter case = %+v", c)
		}
		if len(c.History) != 1 || c.History[0].To != "received" {
			t.Fatalf("history = %+v", c.History)
		}
		if want := s.Timeline().DueAt(c.ReceivedAt, 7); !c.DueAt.Equal(want) {
			t.Fatalf("acknowledgement due %v, want %v", c.DueAt, want)
		}
		if oc, _ := s.ReporterCase(ctx, other.CaseID); oc.Description != "another report" {
			t.Fatalf("other case = %q", oc.Description)
		}
	})
}

func TestUnknownMemberIsAFieldError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := report("x")
		r.Companies = []grievance.CompanyRef{{Name: "A"}, {MemberID: 999, Relation: "supplier"}}
		_, err := s.CreateCase(ctx, r, reporter)
		var fe grievance.FieldErrors
		if !errors.As(err, &fe) || fe["companies[1].member_id"] != "unknown_member" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestReferencesAreUniqueAndGaplessUnderConcurrentFiling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n = 60
		refs := make(chan string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				f, err := s.CreateCase(ctx, report(fmt.Sprint("report ", i)), reporter)
				if err != nil {
					t.Error(err)
					return
				}
				refs <- f.Reference
			}(i)
		}
		wg.Wait()
		close(refs)
		var seqs []int
		for ref := range refs {
			_, seq, ok := grievance.ParseReference(ref)
			if !ok {
				t.Fatalf("bad reference %q", ref)
			}
			seqs = append(seqs, seq)
		}
		sort.Ints(seqs)
		for i, seq := range seqs {
			if seq != i+1 {
				t.Fatalf("sequence numbers %v are not 1..%d", seqs, n)
			}
		}
	})
}

func TestReferenceYearFollowsPlatformZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := report("new year's eve in UTC, new year in Tokyo")
		r.ReceivedAt = time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
		if f := mustFile(t, s, r); f.Reference != "R-2027-00001" {
			t.Fatalf("reference %s", f.Reference)
		}
		r.ReceivedAt = time.Date(2026, 12, 31, 14, 0, 0, 0, time.UTC)
		if f := mustFile(t, s, r); f.Reference != "R-2026-00001" {
			t.Fatalf("reference %s", f.Reference)
		}
	})
}

func TestRulesRefuseIllegalMovesAndNothingIsWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := mustFile(t, s, report("x"))
		before, _ := s.VerifyAudit(ctx)
		err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: handler(t, s)})
		var re *grievance.RuleError
		if !errors.As(err, &re) || re.Code != "illegal_transition" {
			t.Fatalf("received → accepted: %v", err)
		}
		err = s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAcknowledged, Actor: store.Actor{Role: "member", UserID: 1}})
		if !errors.As(err, &re) || re.Code != "role_not_allowed" {
			t.Fatalf("member acknowledging: %v", err)
		}
		after, _ := s.VerifyAudit(ctx)
		if after.Entries != before.Entries+1 { // +1: the handler account
			t.Fatalf("refused moves wrote audit entries: %d → %d", before.Entries, after.Entries)
		}
		c, _ := s.ReporterCase(ctx, f.CaseID)
		if c.Stage != grievance.CaseReceived || len(c.History) != 1 {
			t.Fatalf("refused moves changed the case: %+v", c)
		}
	})
}

func handler(t *testing.T, s *store.Store) store.Actor {
	t.Helper()
	id, err := s.CreateUser(ctx, store.User{Email: fmt.Sprintf("h%d@example.org", time.Now().UnixNano()), DisplayName: "Handler", Role: grievance.RoleHandler}, "$argon2id$x", system)
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{Role: "handler", UserID: id}
}

func memberUser(t *testing.T, s *store.Store, name string) (store.Actor, int64) {
	t.Helper()
	mid, err := s.CreateMember(ctx, store.Member{NameEN: name, Sector: "apparel"}, system)
	if err != nil {
		t.Fatal(err)
	}
	uid, err := s.CreateUser(ctx, store.User{Email: name + "@example.org", DisplayName: name, Role: grievance.RoleMember, MemberID: mid}, "$argon2id$x", system)
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{Role: "member", UserID: uid, MemberID: mid}, mid
}

func TestCaseLifecycleWithTwoReferrals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		alpha, alphaID := memberUser(t, s, "Alpha")
		beta, betaID := memberUser(t, s, "Beta")
		r := report("shared supplier")
		r.Companies = []grievance.CompanyRef{{MemberID: alphaID, Relation: "supplier"}, {MemberID: betaID, Relation: "supplier"}}
		f := mustFile(t, s, r)
		move := func(to grievance.CaseStage, c store.CaseStageChange) {
			t.Helper()
			c.CaseID, c.To = f.CaseID, to
			if c.Actor.Role == "" {
				c.Actor = h
			}
			if err := s.ChangeCaseStage(ctx, c); err != nil {
				t.Fatalf("→ %s: %v", to, err)
			}
		}
		move(grievance.CaseAcknowledged, store.CaseStageChange{Actor: system})
		move(grievance.CaseScreening, store.CaseStageChange{})
		move(grievance.CaseAwaitingInformation, store.CaseStageChange{Question: "Which factory building?"})
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "Building 2"}); err != nil {
			t.Fatal(err)
		}
		rc, _ := s.ReporterCase(ctx, f.CaseID)
		if rc.Stage != grievance.CaseScreening {
			t.Fatalf("the reporter's answer left the case in %s", rc.Stage)
		}
		if len(rc.Messages) != 2 || rc.Messages[0].Body != "Which factory building?" || rc.Messages[1].Body != "Building 2" {
			t.Fatalf("messages = %+v", rc.Messages)
		}
		companies, err := s.CaseCompanies(ctx, f.CaseID)
		if err != nil || len(companies) != 2 {
			t.Fatalf("companies %+v, %v", companies, err)
		}
		err = s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: h,
			Referrals: []store.NewReferral{{CompanyID: companies[0].ID, ShareIdentity: true}}})
		var re *grievance.RuleError
		if !errors.As(err, &re) || re.Code != "identity_consent_missing" {
			t.Fatalf("sharing identity without consent: %v", err)
		}
		move(grievance.CaseAccepted, store.CaseStageChange{Referrals: []store.NewReferral{{CompanyID: companies[0].ID}, {CompanyID: companies[1].ID}}})
		refs, err := s.Referrals(ctx, f.CaseID)
		if err != nil || len(refs) != 2 {
			t.Fatalf("referrals %+v, %v", refs, err)
		}
		ra, rb := refs[0], refs[1]
		if ra.MemberID != alphaID || rb.MemberID != betaID || ra.Stage != grievance.ReferralForwarded {
			t.Fatalf("referrals = %+v", refs)
		}
		if want := s.Timeline().DueAt(ra.ForwardedAt, 30); !ra.DueAt.Equal(want) {
			t.Fatalf("company response due %v, want %v", ra.DueAt, want)
		}
		step := func(id int64, to grievance.ReferralStage, who store.Actor, c store.ReferralStageChange) error {
			c.ReferralID, c.To, c.Actor = id, to, who
			return s.ChangeReferralStage(ctx, c)
		}
		if err := step(ra.ID, grievance.ReferralResponded, beta, store.ReferralStageChange{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Beta moved Alpha's referral: %v", err)
		}
		for _, st := range []struct {
			id  int64
			to  grievance.ReferralStage
			who store.Actor
			c   store.ReferralStageChange
		}{
			{ra.ID, grievance.ReferralResponded, alpha, store.ReferralStageChange{}},
			{ra.ID, grievance.ReferralDialogue, h, store.ReferralStageChange{}},
			{ra.ID, grievance.ReferralRemedyAgreed, alpha, store.ReferralStageChange{RemedyTypes: []grievance.RemedyType{"financial_compensation", "non_repetition"}}},
			{ra.ID, grievance.ReferralMonitoring, alpha, store.ReferralStageChange{}},
			{ra.ID, grievance.ReferralConcluded, h, store.ReferralStageChange{Outcome: "resolved"}},
			{rb.ID, grievance.ReferralResponded, h, store.ReferralStageChange{}},
			{rb.ID, grievance.ReferralInvestigation, h, store.ReferralStageChange{}},
		} {
			if err := step(st.id, st.to, st.who, st.c); err != nil {
				t.Fatalf("referral %d → %s: %v", st.id, st.to, err)
			}
		}
		err = s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: h, Outcome: "resolved"})
		if !errors.As(err, &re) || re.Code != "referrals_open" {
			t.Fatalf("closing with an open referral: %v", err)
		}
		eid, err := s.CreateUser(ctx, store.User{Email: "expert@example.org", DisplayName: "Expert", Role: grievance.RoleExpert}, "$argon2id$x", system)
		if err != nil {
			t.Fatal(err)
		}
		expert := store.Actor{Role: "expert", UserID: eid}
		if err := step(rb.ID, grievance.ReferralConcluded, expert, store.ReferralStageChange{Outcome: "not_substantiated"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expert not assigned to the case concluded its referral: %v", err)
		}
		if err := s.AssignExpert(ctx, f.CaseID, eid, h); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareNoConflict(ctx, f.CaseID, eid); err != nil {
			t.Fatal(err)
		}
		if err := step(rb.ID, grievance.ReferralConcluded, expert, store.ReferralStageChange{Outcome: "not_substantiated"}); err != nil {
			t.Fatal(err)
		}
		move(grievance.CaseClosed, store.CaseStageChange{Outcome: "partially_resolved"})
		rc, _ = s.ReporterCase(ctx, f.CaseID)
		var stages []string
		for _, h := range rc.History {
			stages = append(stages, h.To)
		}
		if got := strings.Join(stages, ","); got != "received,acknowledged,screening,awaiting_information,screening,accepted,closed" {
			t.Fatalf("reporter's history = %s", got)
		}
		if !rc.DueAt.IsZero() {
			t.Fatalf("a closed case has a deadline: %v", rc.DueAt)
		}
		refs, _ = s.Referrals(ctx, f.CaseID)
		if refs[0].Outcome != "resolved" || refs[1].Outcome != "not_substantiated" || refs[0].RemedyTypes[1] != "non_repetition" {
			t.Fatalf("referrals = %+v", refs)
		}
		if v, err := s.VerifyAudit(ctx); err != nil || v.Break != nil {
			t.Fatalf("audit after lifecycle: %+v, %v", v, err)
		}
	})
}

func TestTokensIdentifyTheirUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		token, err := s.CreateToken(ctx, h.UserID, "hotline bridge", time.Time{}, system)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.UserByToken(ctx, token)
		if err != nil || u.ID != h.UserID || u.Role != grievance.RoleHandler {
			t.Fatalf("token user = %+v, %v", u, err)
		}
		if _, err := s.UserByToken(ctx, token+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("altered token: %v", err)
		}
		expired, _ := s.CreateToken(ctx, h.UserID, "old", time.Now().Add(-time.Hour), system)
		if _, err := s.UserByToken(ctx, expired); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired token: %v", err)
		}
	})
}

// sensitiveReport carries a distinct marker in every field that must never reach the database in
// clear; the markers are also checked in Japanese to cover multi-byte text.
func sensitiveReport(marker func(string) string) grievance.Report {
	r := grievance.Report{
		Channel: grievance.ChannelWeb, Language: "ja", Country: "VN", ReporterType: "affected_person",
		IdentityName: marker("identity_name"), IdentityContact: marker("identity_contact"), ConsentShareIdentity: true,
		Companies: []grievance.CompanyRef{{Name: marker("company_name"), Relation: "supplier"}},
		Site:      marker("site"), WhenHappened: marker("when_happened"), Description: marker("description"),
		RemedySought: marker("remedy_sought"), RaisedElsewhere: true, RaisedElsewhereWhere: marker("raised_elsewhere_where"),
		Attachments: []grievance.Attachment{{Name: marker("attachment_name") + ".txt", ContentType: "text/plain", Data: []byte(marker("attachment_content"))}},
	}
	r.Normalize()
	return r
}

func TestNoReportTextReachesTheDatabaseInClear(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			s := storetest.Open(t, d, storetest.Options{DataDir: dir})
			var markers []string
			marker := func(field string) string {
				m := "MARKER-" + field + "-q7Zx"
				markers = append(markers, m, "秘密"+field+"秘密")
				return m + " 秘密" + field + "秘密"
			}
			f := mustFile(t, s, sensitiveReport(marker))
			h := handler(t, s)
			for _, c := range []store.CaseStageChange{
				{To: grievance.CaseAcknowledged},
				{To: grievance.CaseScreening},
				{To: grievance.CaseAwaitingInformation, Question: marker("question")},
			} {
				c.CaseID, c.Actor = f.CaseID, h
				if err := s.ChangeCaseStage(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range []store.NewMessage{
				{Thread: store.ThreadReporter, Author: reporter, Body: marker("reporter_message")},
				{Thread: store.ThreadInternal, Author: h, Body: marker("internal_note")},
			} {
				m.CaseID = f.CaseID
				if _, err := s.CreateMessage(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			companies, _ := s.CaseCompanies(ctx, f.CaseID)
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: h,
				Referrals: []store.NewReferral{{CompanyID: companies[0].ID, ShareIdentity: true, SharedNarrative: marker("shared_narrative")}}}); err != nil {
				t.Fatal(err)
			}
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseSuspended, Actor: h, Reason: marker("suspension_reason")}); err != nil {
				t.Fatal(err)
			}
			// The bulk path (seed, history import) seals through its own multi-row inserts.
			imported := sensitiveReport(func(f string) string { return marker("imported_" + f) })
			imported.ReceivedAt = time.Now().Add(-40 * 24 * time.Hour)
			t0 := imported.ReceivedAt
			at := func(days int) time.Time { return t0.Add(time.Duration(days) * 24 * time.Hour) }
			if _, err := s.ImportCases(ctx, []store.HistoricCase{{
				Report: imported,
				Events: []store.HistoricEvent{
					{To: grievance.CaseAcknowledged, At: at(1), Role: grievance.RoleHandler},
					{To: grievance.CaseScreening, At: at(2), Role: grievance.RoleHandler},
					{To: grievance.CaseAwaitingInformation, At: at(3), Role: grievance.RoleHandler, Reason: marker("imported_question")},
					{To: grievance.CaseScreening, At: at(4), Role: grievance.RoleReporter},
					{To: grievance.CaseAccepted, At: at(5), Role: grievance.RoleHandler},
				},
				Referrals: []store.HistoricReferral{{CompanyIndex: 0, Events: []store.HistoricReferralEvent{
					{To: grievance.ReferralResponded, At: at(6), Role: grievance.RoleHandler, Reason: marker("imported_referral_reason")},
				}}},
				Messages: []store.HistoricMessage{{Thread: store.ThreadReporter, AuthorRole: grievance.RoleReporter, Body: marker("imported_message"), At: at(4)}},
			}}, h, false); err != nil {
				t.Fatal(err)
			}
			var dump [][]byte
			if d == store.SQLite {
				dump = sqliteFiles(t, dir)
				s.Close()
				dump = append(dump, sqliteFiles(t, dir)...)
			} else {
				dump = postgresColumns(t, s)
			}
			if len(dump) == 0 {
				t.Fatal("nothing was read from the database")
			}
			if !containsAny(dump, []byte(f.Reference)) {
				t.Fatal("the dump does not even hold the case reference: it is not reading the database")
			}
			for _, m := range markers {
				if containsAny(dump, []byte(m)) {
					t.Errorf("marker %q found in the database in clear", m)
				}
			}
		})
	}
}

func containsAny(chunks [][]byte, needle []byte) bool {
	for _, c := range chunks {
		if bytes.Contains(c, needle) {
			return true
		}
	}
	return false
}

func sqliteFiles(t *testing.T, dir string) [][]byte {
	var out [][]byte
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// postgresColumns reads every text-like and bytea column of every table in the store's schema.
func postgresColumns(t *testing.T, s *store.Store) [][]byte {
	db := s.DB()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN ('text', 'bytea', 'character varying', 'json', 'jsonb')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		rows.Scan(&c[0], &c[1])
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("only %d columns found", len(cols))
	}
	var out [][]byte
	for _, c := range cols {
		r, err := db.Query(fmt.Sprintf(`SELECT %q FROM %q WHERE %q IS NOT NULL`, c[1], c[0], c[1]))
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var b []byte
			if err := r.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		r.Close()
	}
	return out
}

func TestAuditVerifyFindsAnAlteredEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		for i := 0; i < 5; i++ {
			f := mustFile(t, s, report(fmt.Sprint("r", i)))
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAcknowledged, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || v.Break != nil || v.Entries != 11 {
			t.Fatalf("intact chain: %+v, %v", v, err)
		}
		db := s.DB()
		if _, err := db.Exec(`UPDATE audit_log SET detail = '{}' WHERE seq = 6`); err == nil {
			t.Fatal("the append-only trigger let an entry be altered")
		}
		// Someone with raw database access removes the guard and edits history.
		dropGuard(t, s)
		if _, err := db.Exec(`UPDATE audit_log SET actor = 'user:999' WHERE seq = 6`); err != nil {
			t.Fatal(err)
		}
		v, err = s.VerifyAudit(ctx)
		if err != nil || v.Break == nil || v.Break.Seq != 6 {
			t.Fatalf("altered entry 6: %+v, %v", v, err)
		}
	})
}

func TestAuditVerifyFindsEntriesRemovedFromTheEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i := 0; i < 3; i++ {
			mustFile(t, s, report("r"))
		}
		dropGuard(t, s)
		if _, err := s.DB().Exec(`DELETE FROM audit_log WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || v.Break == nil || v.Break.Seq != 3 {
			t.Fatalf("truncated log: %+v, %v", v, err)
		}
	})
}

func dropGuard(t *testing.T, s *store.Store) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if s.Dialect() == store.Postgres {
		stmts = []string{`DROP TRIGGER audit_log_no_update ON audit_log`}
	}
	for _, q := range stmts {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

var _ = sql.ErrNoRows
