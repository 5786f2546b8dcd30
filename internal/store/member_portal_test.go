package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// portal is one case about two member companies, Alpha and Beta (a supplier they share), each
// with its own referral, shared files, threads and history.
type portal struct {
	f                   store.Filed
	h, alpha, beta      store.Actor
	alphaID, betaID     int64
	ra, rb              int64 // Alpha's and Beta's referrals
	photo, raw, pdf     int64 // the reporter's files: an image with a clean copy, one without, a PDF
	alphaFile, betaFile int64 // files in Alpha's and Beta's company threads
	reporterFile        int64 // a file sent in the reporter thread, never shared
}

const (
	originalText = "ORIGINAL-DESCRIPTION Nguyen was locked in dormitory 4"
	alphaShared  = "Shared with Alpha: overtime at the dye house is unpaid."
	betaShared   = "Shared with Beta: packing line hours."
	betaReason   = "BETA-ASSESSMENT we found nothing"
)

func newPortal(t *testing.T, s *store.Store) portal {
	t.Helper()
	var p portal
	p.h = handler(t, s)
	p.alpha, p.alphaID = memberUser(t, s, "Alpha")
	p.beta, p.betaID = memberUser(t, s, "Beta")
	r := report(originalText)
	r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = "Nguyen Thi Lan", "+84 90 000 0000", true
	r.Companies = []grievance.CompanyRef{{MemberID: p.alphaID, Relation: "supplier"}, {MemberID: p.betaID, Relation: "supplier_deeper"}}
	r.Attachments = []grievance.Attachment{
		{Name: "Nguyen-wall.jpg", ContentType: "image/jpeg", Data: []byte("original-with-gps"), Shareable: []byte("clean-copy")},
		{Name: "Nguyen-raw.png", ContentType: "image/png", Data: []byte("uncleanable-image")},
		{Name: "Nguyen-payslip.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 payslip")},
	}
	p.f = mustFile(t, s, r)
	move := func(to grievance.CaseStage, c store.CaseStageChange) {
		t.Helper()
		c.CaseID, c.To = p.f.CaseID, to
		if c.Actor.Role == "" {
			c.Actor = p.h
		}
		if err := s.ChangeCaseStage(ctx, c); err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
	}
	move(grievance.CaseAcknowledged, store.CaseStageChange{Actor: system})
	move(grievance.CaseScreening, store.CaseStageChange{})
	companies, err := s.CaseCompanies(ctx, p.f.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	move(grievance.CaseAccepted, store.CaseStageChange{Referrals: []store.NewReferral{
		{CompanyID: companies[0].ID, ShareIdentity: true, SharedNarrative: alphaShared},
		{CompanyID: companies[1].ID, SharedNarrative: betaShared},
	}})
	refs, err := s.Referrals(ctx, p.f.CaseID)
	if err != nil || len(refs) != 2 {
		t.Fatalf("referrals %+v, %v", refs, err)
	}
	p.ra, p.rb = refs[0].ID, refs[1].ID
	if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: p.f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "REPORTER-THREAD more",
		Attachments: []grievance.Attachment{{Name: "dorm.pdf", ContentType: "application/pdf", Data: []byte("%PDF reporter")}}}); err != nil {
		t.Fatal(err)
	}
	rc, err := s.ReporterCase(ctx, p.f.CaseID)
	if err != nil || len(rc.Attachments) != 4 {
		t.Fatalf("reporter's files %+v, %v", rc, err)
	}
	p.photo, p.raw, p.pdf, p.reporterFile = rc.Attachments[0].ID, rc.Attachments[1].ID, rc.Attachments[2].ID, rc.Attachments[3].ID
	// The handler shares the three report files with Alpha only (the desk's screen does this).
	for _, id := range []int64{p.photo, p.raw, p.pdf} {
		if _, err := s.DB().Exec(storetest.Rebind(s, `INSERT INTO referral_attachments (referral_id, attachment_id) VALUES (?, ?)`), p.ra, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: p.f.CaseID, Thread: store.ThreadCompany, ReferralID: p.ra, Author: p.h, Body: "ALPHA-THREAD please respond",
		Attachments: []grievance.Attachment{{Name: "questions-for-alpha.pdf", ContentType: "application/pdf", Data: []byte("%PDF alpha")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: p.f.CaseID, Thread: store.ThreadInternal, Author: p.h, Body: "INTERNAL-NOTE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MemberMessage(ctx, p.betaID, p.rb, "BETA-THREAD our plan",
		[]grievance.Attachment{{Name: "beta-plan.pdf", ContentType: "application/pdf", Data: []byte("%PDF beta")}}, p.beta); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: p.rb, To: grievance.ReferralResponded, Actor: p.beta, Reason: betaReason}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		member, referral int64
		into             *int64
	}{{p.alphaID, p.ra, &p.alphaFile}, {p.betaID, p.rb, &p.betaFile}} {
		v, err := s.MemberReferral(ctx, c.member, c.referral)
		if err != nil || len(v.MessageFiles) != 1 {
			t.Fatalf("thread files %+v, %v", v, err)
		}
		*c.into = v.MessageFiles[0].ID
	}
	return p
}

func TestMemberListsOnlyItsOwnReferrals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s)
		mustFile(t, s, report("a case about nobody in particular"))
		for _, c := range []struct {
			member, want int64
			stage        grievance.ReferralStage
		}{{p.alphaID, p.ra, grievance.ReferralForwarded}, {p.betaID, p.rb, grievance.ReferralResponded}} {
			rows, err := s.MemberReferrals(ctx, c.member, 0, time.Now())
			if err != nil || len(rows) != 1 {
				t.Fatalf("member %d: %+v, %v", c.member, rows, err)
			}
			got := rows[0]
			if got.ID != c.want || got.Reference != p.f.Reference || got.Stage != c.stage || got.Country != "JP" ||
				len(got.Categories) != 1 || got.Categories[0] != "wages_benefits" || got.DueAt.IsZero() != (c.stage != grievance.ReferralForwarded) {
				t.Fatalf("member %d sees %+v", c.member, got)
			}
		}
		// Thirty-one days on, Alpha has missed its response deadline; Beta has answered.
		later := time.Now().AddDate(0, 0, 32)
		a, _ := s.MemberReferrals(ctx, p.alphaID, 0, later)
		b, _ := s.MemberReferrals(ctx, p.betaID, 0, later)
		if !a[0].Escalated || !a[0].Overdue || b[0].Escalated || b[0].Overdue {
			t.Fatalf("escalation: alpha %+v, beta %+v", a[0], b[0])
		}
		if rows, err := s.MemberReferrals(ctx, 0, 0, time.Now()); err != nil || len(rows) != 0 {
			t.Fatalf("no member id listed %+v, %v", rows, err)
		}
	})
}

// The object-level rule: Beta's user reaches nothing of Alpha's referral by changing an id, even
// on the same case, and a member actor cannot claim another company's id.
func TestMemberCannotReachAnotherCompanysReferral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s)
		before, err := s.AuditEntries(ctx, p.f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", what, err)
			}
		}
		_, err = s.MemberReferral(ctx, p.betaID, p.ra)
		notFound("MemberReferral of Alpha's referral", err)
		_, err = s.MemberReferral(ctx, p.betaID, 999999)
		notFound("MemberReferral of no referral", err)
		for _, c := range []struct {
			name           string
			referral, file int64
		}{
			{"Alpha's thread file through Alpha's referral", p.ra, p.alphaFile},
			{"Alpha's thread file through Beta's referral", p.rb, p.alphaFile},
			{"a file shared with Alpha, through Beta's referral", p.rb, p.photo},
			{"a reporter-thread file", p.rb, p.reporterFile},
		} {
			_, _, err := s.MemberAttachment(ctx, p.betaID, c.referral, c.file, p.beta)
			notFound("MemberAttachment: "+c.name, err)
		}
		_, _, err = s.MemberAttachment(ctx, p.alphaID, p.ra, p.reporterFile, p.alpha)
		notFound("Alpha opening an unshared reporter file", err)
		_, _, err = s.MemberAttachment(ctx, p.alphaID, p.ra, p.betaFile, p.alpha)
		notFound("Alpha opening Beta's thread file", err)
		_, err = s.MemberMessage(ctx, p.betaID, p.ra, "posted into Alpha's thread", nil, p.beta)
		notFound("MemberMessage to Alpha's referral", err)
		_, err = s.MemberMessage(ctx, p.alphaID, p.ra, "Beta claiming to be Alpha", nil, p.beta)
		notFound("MemberMessage with another company's id", err)
		notFound("AddMonitoringCheck on Alpha's referral", s.AddMonitoringCheck(ctx, store.MonitoringCheck{ReferralID: p.ra, Note: "x", Actor: p.beta}))
		notFound("ChangeReferralStage of Alpha's referral", s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: p.ra, To: grievance.ReferralResponded, Actor: p.beta, Reason: "x"}))
		_, err = s.MemberReferralIdentity(ctx, p.betaID, p.ra, p.beta)
		notFound("MemberReferralIdentity of Alpha's referral", err)
		_, err = s.MemberReferralIdentity(ctx, p.alphaID, p.ra, p.beta)
		notFound("MemberReferralIdentity with another company's id", err)

		v, err := s.MemberReferral(ctx, p.alphaID, p.ra)
		if err != nil || v.Stage != grievance.ReferralForwarded || len(v.Messages) != 1 || len(v.Monitoring) != 0 {
			t.Fatalf("Alpha's referral changed by Beta's attempts: %+v, %v", v, err)
		}
		after, _ := s.AuditEntries(ctx, p.f.CaseID)
		if len(after) != len(before) {
			t.Fatalf("refused attempts were audited as done: %v", after[len(before):])
		}
	})
}

func TestMemberSeesTheSharedNarrativeAndOnlyItsReferral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s)
		v, err := s.MemberReferral(ctx, p.alphaID, p.ra)
		if err != nil {
			t.Fatal(err)
		}
		if v.SharedNarrative != alphaShared || v.Reference != p.f.Reference || v.Relation != "supplier" || v.Country != "JP" ||
			!v.IdentityShared || v.CaseStage != grievance.CaseAccepted || v.ReceivedAt.IsZero() {
			t.Fatalf("Alpha's view = %+v", v)
		}
		all := fmt.Sprintf("%+v", *v)
		for _, secret := range []string{"ORIGINAL-DESCRIPTION", betaShared, betaReason, "BETA-THREAD", "INTERNAL-NOTE", "REPORTER-THREAD", "Nguyen", "beta-plan"} {
			if strings.Contains(all, secret) {
				t.Errorf("Alpha's view holds %q: %s", secret, all)
			}
		}
		if len(v.History) != 1 || v.History[0].To != grievance.ReferralForwarded {
			t.Errorf("Alpha's history = %+v", v.History)
		}
		if len(v.Messages) != 1 || v.Messages[0].Body != "ALPHA-THREAD please respond" || v.Messages[0].AuthorRole != "handler" {
			t.Errorf("Alpha's thread = %+v", v.Messages)
		}
		if len(v.MessageFiles) != 1 || v.MessageFiles[0].Name != "questions-for-alpha.pdf" || v.MessageFiles[0].MessageID != v.Messages[0].ID {
			t.Errorf("Alpha's thread files = %+v", v.MessageFiles)
		}
		// The uncleanable image and the PDF (a type never cleaned) are not offered, although they
		// were shared; the photo's copy goes under a neutral name.
		if len(v.SharedFiles) != 1 || v.SharedFiles[0].ID != p.photo || v.SharedFiles[0].Name != fmt.Sprintf("document-%d.jpg", p.photo) {
			t.Errorf("files shared with Alpha = %+v", v.SharedFiles)
		}

		b, err := s.MemberReferral(ctx, p.betaID, p.rb)
		if err != nil {
			t.Fatal(err)
		}
		if b.SharedNarrative != betaShared || b.IdentityShared || b.Relation != "supplier_deeper" || len(b.SharedFiles) != 0 {
			t.Fatalf("Beta's view = %+v", b)
		}
		if len(b.History) != 2 || b.History[1].To != grievance.ReferralResponded || b.History[1].Reason != betaReason || b.History[1].ActorRole != "member" {
			t.Errorf("Beta's history (with its own assessment) = %+v", b.History)
		}
		if len(b.Messages) != 1 || b.Messages[0].Body != "BETA-THREAD our plan" || b.Messages[0].AuthorRole != "member" {
			t.Errorf("Beta's thread = %+v", b.Messages)
		}
	})
}

func TestMemberDownloadsAreCleanCopiesAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s)
		a, data, err := s.MemberAttachment(ctx, p.alphaID, p.ra, p.photo, p.alpha)
		if err != nil || string(data) != "clean-copy" || a.Name != fmt.Sprintf("document-%d.jpg", p.photo) || a.ContentType != "image/jpeg" {
			t.Fatalf("shared photo = %+v %q, %v (want the copy without metadata, under a neutral name)", a, data, err)
		}
		if _, _, err := s.MemberAttachment(ctx, p.alphaID, p.ra, p.raw, p.alpha); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an image without a clean copy left the secretariat: %v", err)
		}
		if _, data, err := s.MemberAttachment(ctx, p.alphaID, p.ra, p.pdf, p.alpha); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a PDF without a clean copy left the secretariat: %q, %v", data, err)
		}
		a, data, err = s.MemberAttachment(ctx, p.alphaID, p.ra, p.alphaFile, p.alpha)
		if err != nil || string(data) != "%PDF alpha" || a.Name != "questions-for-alpha.pdf" {
			t.Fatalf("thread file = %+v %q, %v", a, data, err)
		}
		if _, data, err := s.MemberAttachment(ctx, p.betaID, p.rb, p.betaFile, p.beta); err != nil || string(data) != "%PDF beta" {
			t.Fatalf("Beta's own file = %q, %v", data, err)
		}
		entries, _ := s.AuditEntries(ctx, p.f.CaseID)
		joined := strings.Join(entries, "\n")
		if n := strings.Count(joined, fmt.Sprintf("user:%d attachment.download", p.alpha.UserID)); n != 2 {
			t.Fatalf("%d of Alpha's 2 downloads audited: %v", n, entries)
		}
		if n := strings.Count(joined, fmt.Sprintf("user:%d attachment.download", p.beta.UserID)); n != 1 {
			t.Fatalf("%d of Beta's downloads audited: %v", n, entries)
		}
	})
}

func TestMemberSeesIdentityOnlyWhenSharedAndEveryDisplayIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s)
		if _, err := s.MemberReferralIdentity(ctx, p.betaID, p.rb, p.beta); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("Beta (identity not shared) saw it: %v", err)
		}
		id, err := s.MemberReferralIdentity(ctx, p.alphaID, p.ra, p.alpha)
		if err != nil || id.Name != "Nguyen Thi Lan" || id.Contact != "+84 90 000 0000" {
			t.Fatalf("identity shared with Alpha = %+v, %v", id, err)
		}
		entries, _ := s.AuditEntries(ctx, p.f.CaseID)
		joined := strings.Join(entries, "\n")
		if strings.Count(joined, fmt.Sprintf("user:%d identity.show", p.alpha.UserID)) != 1 {
			t.Fatalf("Alpha's display not audited: %v", entries)
		}
		if strings.Contains(joined, fmt.Sprintf("user:%d identity.show", p.beta.UserID)) {
			t.Fatalf("Beta's refused display audited as shown: %v", entries)
		}
		if v, err := s.VerifyAudit(ctx); err != nil || v.Break != nil {
			t.Fatalf("audit chain: %+v, %v", v, err)
		}
	})
}

func TestMonitoringChecksMoveTheDeadlineAndAreSealed(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return now }})
			p := newPortal(t, s)
			var re *grievance.RuleError
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{ReferralID: p.ra, Note: "too early", Actor: p.alpha}); !errors.As(err, &re) || re.Code != "monitoring_not_open" {
				t.Fatalf("a check before a remedy was agreed: %v", err)
			}
			for _, c := range []store.ReferralStageChange{
				{To: grievance.ReferralResponded, Actor: p.alpha, Reason: "assessment"},
				{To: grievance.ReferralDialogue, Actor: p.h},
				{To: grievance.ReferralRemedyAgreed, Actor: p.alpha, Reason: "back pay", RemedyTypes: []grievance.RemedyType{"financial_compensation"}},
				{To: grievance.ReferralMonitoring, Actor: p.alpha},
			} {
				c.ReferralID = p.ra
				if err := s.ChangeReferralStage(ctx, c); err != nil {
					t.Fatalf("→ %s: %v", c.To, err)
				}
			}
			due := func() time.Time {
				v, err := s.MemberReferral(ctx, p.alphaID, p.ra)
				if err != nil {
					t.Fatal(err)
				}
				return v.DueAt
			}
			if want := s.Timeline().DueAt(now, 90); !due().Equal(want) {
				t.Fatalf("monitoring due %v, want %v", due(), want)
			}
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{ReferralID: p.ra, Note: "   ", Actor: p.alpha}); !errors.As(err, &re) || re.Code != "note_required" {
				t.Fatalf("an empty check: %v", err)
			}
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{CaseID: p.f.CaseID + 1, ReferralID: p.ra, Note: "x", Actor: p.h}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a check through the wrong case: %v", err)
			}
			now = now.AddDate(0, 0, 40)
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{ReferralID: p.ra, Note: "BACKPAY-PAID to 41 workers", Actor: p.alpha}); err != nil {
				t.Fatal(err)
			}
			if want := s.Timeline().DueAt(now, 90); !due().Equal(want) {
				t.Fatalf("after the company's check, due %v, want %v", due(), want)
			}
			now = now.AddDate(0, 0, 10)
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{CaseID: p.f.CaseID, ReferralID: p.ra, Note: "site visit confirmed", Actor: p.h}); err != nil {
				t.Fatal(err)
			}
			if want := s.Timeline().DueAt(now, 90); !due().Equal(want) {
				t.Fatalf("after the secretariat's check, due %v, want %v", due(), want)
			}
			checks, err := s.MonitoringChecks(ctx, p.ra)
			if err != nil || len(checks) != 2 || checks[0].Note != "BACKPAY-PAID to 41 workers" || checks[0].Actor.Role != "member" ||
				checks[0].Actor.UserID != p.alpha.UserID || checks[1].Actor.Role != "handler" || checks[1].CaseID != p.f.CaseID {
				t.Fatalf("checks = %+v, %v", checks, err)
			}
			if v, _ := s.MemberReferral(ctx, p.alphaID, p.ra); len(v.Monitoring) != 2 {
				t.Fatalf("Alpha's view lacks its checks: %+v", v.Monitoring)
			}
			if b, _ := s.MemberReferral(ctx, p.betaID, p.rb); len(b.Monitoring) != 0 {
				t.Fatalf("Beta sees Alpha's checks: %+v", b.Monitoring)
			}
			var sealed []byte
			if err := s.DB().QueryRow(`SELECT note_sealed FROM monitoring_checks ORDER BY id LIMIT 1`).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(sealed), "BACKPAY-PAID") {
				t.Fatal("a monitoring note is stored in clear")
			}
			entries, _ := s.AuditEntries(ctx, p.f.CaseID)
			if n := strings.Count(strings.Join(entries, "\n"), "monitoring.create"); n != 2 {
				t.Fatalf("%d checks audited, want 2: %v", n, entries)
			}
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: p.f.CaseID, To: grievance.CaseSuspended, Actor: p.h, Reason: "court"}); err != nil {
				t.Fatal(err)
			}
			if err := s.AddMonitoringCheck(ctx, store.MonitoringCheck{ReferralID: p.ra, Note: "while suspended", Actor: p.alpha}); !errors.As(err, &re) || re.Code != "case_not_accepted" {
				t.Fatalf("a check on a suspended case: %v", err)
			}
			if grievance.MonitoringOpen(grievance.ReferralMonitoring, grievance.CaseSuspended) || !grievance.MonitoringOpen(grievance.ReferralMonitoring, grievance.CaseAccepted) {
				t.Fatal("MonitoringOpen disagrees with AddMonitoringCheck")
			}
			if _, err := s.MonitoringChecks(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("checks of no referral: %v", err)
			}
		})
	}
}
