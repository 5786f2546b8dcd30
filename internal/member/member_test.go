package member_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var ctx = context.Background()

// twoCompanies is one accepted case about a supplier shared by Alpha and Beta: one referral
// each, a file the secretariat sent in Alpha's thread, and a user of each company.
type twoCompanies struct {
	site          *stafftest.Site
	s             *store.Store
	f             store.Filed
	desk          store.Actor
	alphaID       int64
	betaID        int64
	ra, rb        int64
	alphaFile     int64
	alpha, beta   *stafftest.Client
	alphaU, betaU store.User
}

const original = "ORIGINAL-WORDS of the reporter about dormitory 4"

func setup(t *testing.T, s *store.Store) *twoCompanies {
	t.Helper()
	site := stafftest.New(t, s)
	x := &twoCompanies{site: site, s: s}
	x.alphaID = site.Member("Alpha Apparel", "アルファ衣料")
	x.betaID = site.Member("Beta Brands", "ベータ")
	x.f = site.File(stafftest.Report("VN", original, grievance.CompanyRef{MemberID: x.alphaID}, grievance.CompanyRef{MemberID: x.betaID}))
	x.desk = site.User(grievance.RoleHandler, 0).Actor()
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: x.f.CaseID, To: to, Actor: x.desk}); err != nil {
			t.Fatal(err)
		}
	}
	companies, err := s.CaseCompanies(ctx, x.f.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: x.f.CaseID, To: grievance.CaseAccepted, Actor: x.desk, Referrals: []store.NewReferral{
		{CompanyID: companies[0].ID, SharedNarrative: "SHARED-WITH-ALPHA unpaid overtime"},
		{CompanyID: companies[1].ID, SharedNarrative: "SHARED-WITH-BETA packing hours"},
	}}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.Referrals(ctx, x.f.CaseID)
	if err != nil || len(refs) != 2 {
		t.Fatalf("referrals %+v, %v", refs, err)
	}
	x.ra, x.rb = refs[0].ID, refs[1].ID
	if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: x.f.CaseID, Thread: store.ThreadCompany, ReferralID: x.ra, Author: x.desk,
		Body: "ALPHA-THREAD please send your assessment", Attachments: []grievance.Attachment{{Name: "questions.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 questions")}}}); err != nil {
		t.Fatal(err)
	}
	v, err := s.MemberReferral(ctx, x.alphaID, x.ra)
	if err != nil || len(v.MessageFiles) != 1 {
		t.Fatalf("Alpha's thread %+v, %v", v, err)
	}
	x.alphaFile = v.MessageFiles[0].ID
	x.alphaU, x.betaU = site.User(grievance.RoleMember, x.alphaID), site.User(grievance.RoleMember, x.betaID)
	x.alpha, x.beta = site.SignIn(x.alphaU), site.SignIn(x.betaU)
	return x
}

func ref(id int64) string { return "/member/referrals/" + strconv.FormatInt(id, 10) }

// multipartPost builds a message form with one file.
func multipartPost(t *testing.T, site *stafftest.Site, path, body, fileName string, data []byte) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("body", body)
	if fileName != "" {
		fw, err := mw.CreateFormFile("files", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", site.URL(path), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	return req
}

func TestAnotherCompanysReferralIsNotFoundEvenOnTheSameCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := setup(t, s)
		mine := x.alpha.Get(ref(x.ra))
		if mine.Status != http.StatusOK || !strings.Contains(mine.Body, "SHARED-WITH-ALPHA") || !strings.Contains(mine.Body, "ALPHA-THREAD") {
			t.Fatalf("Alpha's own referral: %d", mine.Status)
		}
		for _, secret := range []string{"ORIGINAL-WORDS", "SHARED-WITH-BETA"} {
			if strings.Contains(mine.Body, secret) {
				t.Errorf("Alpha's page shows %q", secret)
			}
		}
		list := x.beta.Get("/member")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, ref(x.rb)) || strings.Contains(list.Body, ref(x.ra)+`"`) {
			t.Fatalf("Beta's list (%d) must link Beta's referral only", list.Status)
		}
		for _, c := range []struct {
			name string
			got  stafftest.Response
		}{
			{"page", x.beta.Get(ref(x.ra))},
			{"file through Alpha's referral", x.beta.Get(ref(x.ra) + "/files/" + strconv.FormatInt(x.alphaFile, 10))},
			{"Alpha's file through Beta's referral", x.beta.Get(ref(x.rb) + "/files/" + strconv.FormatInt(x.alphaFile, 10))},
			{"assessment", x.beta.Post(ref(x.ra)+"/stage", url.Values{"to": {"responded"}, "reason": {"BETA-WROTE-THIS"}})},
			{"message", x.beta.Send(multipartPost(t, x.site, ref(x.ra)+"/messages", "BETA-WROTE-THIS", "", nil))},
			{"monitoring", x.beta.Post(ref(x.ra)+"/monitoring", url.Values{"note": {"BETA-WROTE-THIS"}})},
			{"identity", x.beta.Post(ref(x.ra)+"/identity", nil)},
			{"no such referral", x.beta.Get(ref(x.ra + x.rb + 100))},
			{"malformed id", x.beta.Get("/member/referrals/abc")},
		} {
			if c.got.Status != http.StatusNotFound {
				t.Errorf("Beta's %s: %d, want 404", c.name, c.got.Status)
			}
			if strings.Contains(c.got.Body, "ALPHA") || strings.Contains(c.got.Body, x.f.Reference) {
				t.Errorf("Beta's %s answer reveals Alpha's referral", c.name)
			}
		}
		v, err := s.MemberReferral(ctx, x.alphaID, x.ra)
		if err != nil || v.Stage != grievance.ReferralForwarded || len(v.Messages) != 1 || len(v.Monitoring) != 0 {
			t.Fatalf("Beta's attempts changed Alpha's referral: %+v, %v", v, err)
		}
		if got := x.site.SignIn(x.site.User(grievance.RoleHandler, 0)).Get("/member"); got.Status != http.StatusForbidden {
			t.Errorf("a handler on the member portal: %d, want 403", got.Status)
		}
		if got := x.site.Anonymous().Get(ref(x.ra)); got.Status != http.StatusSeeOther {
			t.Errorf("no session: %d, want 303 to sign in", got.Status)
		}
	})
}

func TestInitialAssessmentAndRemedyThroughTheForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := setup(t, s)
		page := x.alpha.Get(ref(x.ra))
		if !strings.Contains(page.Body, `name="to" value="responded"`) || !strings.Contains(page.Body, "Your initial assessment") {
			t.Fatal("the referral page offers no initial-assessment form")
		}
		if strings.Contains(page.Body, `value="remedy_agreed"`) || strings.Contains(page.Body, `name="remedy_types"`) {
			t.Fatal("the page offers a move the rules do not allow now")
		}
		got := x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"responded"}, "reason": {"We will audit the dye house within two weeks."}})
		if got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, ref(x.ra)+"?done=moved") {
			t.Fatalf("assessment: %d to %q", got.Status, got.Location)
		}
		v, _ := s.MemberReferral(ctx, x.alphaID, x.ra)
		if v.Stage != grievance.ReferralResponded || v.History[len(v.History)-1].Reason != "We will audit the dye house within two weeks." {
			t.Fatalf("after the assessment: %s, %+v", v.Stage, v.History)
		}
		if page := x.alpha.Get(got.Location); !strings.Contains(page.Body, "We will audit the dye house within two weeks.") || !strings.Contains(page.Body, "Saved.") {
			t.Fatal("the assessment is not in the referral's history on the page")
		}
		if b, _ := s.MemberReferral(ctx, x.betaID, x.rb); b.Stage != grievance.ReferralForwarded {
			t.Fatalf("Alpha's assessment moved Beta's referral to %s", b.Stage)
		}

		// A move the rules do not give a company: refused, said clearly, the text kept.
		got = x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"concluded"}, "outcome": {"resolved"}, "reason": {"STALE-TEXT we consider this closed"}})
		if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "Only the secretariat can move this referral from Responded to Concluded") ||
			!strings.Contains(got.Body, "STALE-TEXT we consider this closed") {
			t.Fatalf("a refused move: %d\n%s", got.Status, got.Body)
		}

		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: x.ra, To: grievance.ReferralDialogue, Actor: x.desk}); err != nil {
			t.Fatal(err)
		}
		page = x.alpha.Get(ref(x.ra))
		for _, want := range []string{`value="remedy_agreed"`, `name="remedy_types" value="financial_compensation"`, "The remedy plan agreed"} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("the remedy form lacks %s", want)
			}
		}
		// The rules want remedy types: the plan typed stays in the form.
		plan := "Back pay for 41 workers by June, then a wage audit."
		got = x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"remedy_agreed"}, "reason": {plan}})
		if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "Please choose at least one type of remedy.") ||
			!strings.Contains(got.Body, ">"+plan+"</textarea>") {
			t.Fatalf("remedy without types: %d\n%s", got.Status, got.Body)
		}
		got = x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"remedy_agreed"}, "reason": {plan}, "remedy_types": {"financial_compensation", "non_repetition"}})
		if got.Status != http.StatusSeeOther {
			t.Fatalf("remedy agreed: %d\n%s", got.Status, got.Body)
		}
		v, _ = s.MemberReferral(ctx, x.alphaID, x.ra)
		if v.Stage != grievance.ReferralRemedyAgreed || len(v.RemedyTypes) != 2 || v.RemedyTypes[1] != "non_repetition" {
			t.Fatalf("after the remedy: %+v", v)
		}
		// Implementation: start it, then an update moves the monitoring deadline.
		if got := x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"monitoring"}}); got.Status != http.StatusSeeOther {
			t.Fatalf("start implementation: %d", got.Status)
		}
		if got := x.alpha.Post(ref(x.ra)+"/monitoring", url.Values{"note": {"  "}}); got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "Please describe what has been done.") {
			t.Fatalf("empty update: %d", got.Status)
		}
		if got := x.alpha.Post(ref(x.ra)+"/monitoring", url.Values{"note": {"BACKPAY-PAID to 41 workers"}}); got.Status != http.StatusSeeOther {
			t.Fatalf("update: %d", got.Status)
		}
		if page := x.alpha.Get(ref(x.ra)); !strings.Contains(page.Body, "BACKPAY-PAID to 41 workers") {
			t.Fatal("the update is not on the page")
		}
		if page := x.beta.Get(ref(x.rb)); strings.Contains(page.Body, "BACKPAY-PAID") || strings.Contains(page.Body, plan) {
			t.Fatal("Beta sees Alpha's remedy")
		}
	})
}

func TestMessageWithDocumentReachesOnlyThatCompanysThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := setup(t, s)
		// A file of a kind we do not take: refused, the text kept.
		got := x.alpha.Send(multipartPost(t, x.site, ref(x.ra)+"/messages", "Our audit report is attached.", "tool.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")))
		if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "This kind of file cannot be accepted") || !strings.Contains(got.Body, "Our audit report is attached.</textarea>") {
			t.Fatalf("an executable: %d\n%s", got.Status, got.Body)
		}
		got = x.alpha.Send(multipartPost(t, x.site, ref(x.ra)+"/messages", "Our audit report is attached.", "audit-2026.pdf", []byte("%PDF-1.4 ALPHA-AUDIT")))
		if got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, ref(x.ra)+"?done=sent") {
			t.Fatalf("message: %d to %q", got.Status, got.Location)
		}
		v, err := s.MemberReferral(ctx, x.alphaID, x.ra)
		if err != nil || len(v.Messages) != 2 || v.Messages[1].Body != "Our audit report is attached." || v.Messages[1].AuthorRole != "member" ||
			v.Messages[1].Thread != store.ThreadCompany || v.Messages[1].ReferralID != x.ra {
			t.Fatalf("Alpha's thread %+v, %v", v, err)
		}
		var file store.AttachmentInfo
		for _, a := range v.MessageFiles {
			if a.MessageID == v.Messages[1].ID {
				file = a
			}
		}
		if file.Name != "audit-2026.pdf" || file.ContentType != "application/pdf" {
			t.Fatalf("the document: %+v", v.MessageFiles)
		}
		fileURL := ref(x.ra) + "/files/" + strconv.FormatInt(file.ID, 10)
		page := x.alpha.Get(ref(x.ra))
		if !strings.Contains(page.Body, "Our audit report is attached.") || !strings.Contains(page.Body, fileURL) {
			t.Fatal("the message and its document are not on Alpha's page")
		}
		dl := x.alpha.Get(fileURL)
		if dl.Status != http.StatusOK || dl.Body != "%PDF-1.4 ALPHA-AUDIT" || dl.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(dl.Header.Get("Content-Disposition"), "audit-2026.pdf") {
			t.Fatalf("download: %d %q %v", dl.Status, dl.Body, dl.Header)
		}
		// The same headers as a desk download: a file a browser renders anyway runs nothing here.
		if dl.Header.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || dl.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("member download: CSP %q, Cache-Control %q", dl.Header.Get("Content-Security-Policy"), dl.Header.Get("Cache-Control"))
		}
		entries, _ := s.AuditEntries(ctx, x.f.CaseID)
		if !strings.Contains(strings.Join(entries, "\n"), fmt.Sprintf("user:%d attachment.download", x.alphaU.ID)) {
			t.Fatalf("the download was not audited: %v", entries)
		}
		// Beta, on the same case, sees neither the message nor the file.
		if page := x.beta.Get(ref(x.rb)); page.Status != http.StatusOK || strings.Contains(page.Body, "Our audit report") || strings.Contains(page.Body, "audit-2026") {
			t.Fatalf("Beta's page (%d) shows Alpha's message", page.Status)
		}
		for _, path := range []string{fileURL, ref(x.rb) + "/files/" + strconv.FormatInt(file.ID, 10)} {
			if got := x.beta.Get(path); got.Status != http.StatusNotFound {
				t.Errorf("Beta downloading Alpha's document via %s: %d", path, got.Status)
			}
		}
		if b, _ := s.MemberReferral(ctx, x.betaID, x.rb); len(b.Messages) != 0 || len(b.MessageFiles) != 0 {
			t.Fatalf("Beta's thread holds %+v", b.Messages)
		}
	})
}

func TestIdentityIsOfferedOnlyWhenSharedAndItsDisplayAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		alpha := site.Member("Alpha Apparel", "アルファ衣料")
		beta := site.Member("Beta Brands", "ベータ")
		r := stafftest.Report("VN", original, grievance.CompanyRef{MemberID: alpha}, grievance.CompanyRef{MemberID: beta})
		r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = "Tran Van Minh", "minh@example.org", true
		f := site.File(r)
		desk := site.User(grievance.RoleHandler, 0).Actor()
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: desk}); err != nil {
				t.Fatal(err)
			}
		}
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: desk, Referrals: []store.NewReferral{
			{CompanyID: companies[0].ID, ShareIdentity: true, SharedNarrative: "for Alpha"}, {CompanyID: companies[1].ID, SharedNarrative: "for Beta"},
		}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		au, bu := site.User(grievance.RoleMember, alpha), site.User(grievance.RoleMember, beta)
		a, b := site.SignIn(au), site.SignIn(bu)
		page := a.Get(ref(refs[0].ID))
		if !strings.Contains(page.Body, ref(refs[0].ID)+"/identity") || strings.Contains(page.Body, "Tran Van Minh") {
			t.Fatal("Alpha's page must offer the identity behind a button, not show it")
		}
		if page := b.Get(ref(refs[1].ID)); strings.Contains(page.Body, "/identity") {
			t.Fatal("Beta, without the identity shared, is offered it")
		}
		if got := b.Post(ref(refs[1].ID)+"/identity", nil); got.Status != http.StatusNotFound || strings.Contains(got.Body, "Tran Van Minh") {
			t.Fatalf("Beta asking for an identity not shared: %d", got.Status)
		}
		got := a.Post(ref(refs[0].ID)+"/identity", nil)
		if got.Status != http.StatusOK || !strings.Contains(got.Body, "Tran Van Minh") || !strings.Contains(got.Body, "minh@example.org") {
			t.Fatalf("Alpha's identity display: %d", got.Status)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		joined := strings.Join(entries, "\n")
		if strings.Count(joined, fmt.Sprintf("user:%d identity.show", au.ID)) != 1 || strings.Contains(joined, fmt.Sprintf("user:%d identity.show", bu.ID)) {
			t.Fatalf("identity displays audited: %v", entries)
		}
	})
}
