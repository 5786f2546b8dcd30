package desk_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// toScreening files r and moves it to screening, as a handler would.
func toScreening(t *testing.T, site *stafftest.Site, h store.User, r grievance.Report) store.Filed {
	t.Helper()
	f := site.File(r)
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := site.Store.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h.Actor()}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestAcceptRefersToTwoMembersWithTheirOwnNarratives(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "アクメ衣料")
		beta := site.Member("Beta Retail", "ベータ小売", store.MemberAlias{Kind: "brand", Name: "Skyline"})
		h := site.User(grievance.RoleHandler, 0)
		r := stafftest.Report("VN", "We sew Skyline jackets. The supervisor Mr Tran took our passports.", grievance.CompanyRef{MemberID: acme, Relation: "supplier"})
		r.Anonymous, r.IdentityName, r.IdentityContact, r.ConsentShareIdentity = false, "Pham Van Minh", "minh@example.org", false
		f := toScreening(t, site, h, r)
		desk := site.SignIn(h)
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		acmeSlot := "c" + itoa(companies[0].ID)
		betaSlot := "m" + itoa(beta)

		page := desk.Get(casePath(f.CaseID, "/screening"))
		mustStatus(t, "screening page", page, http.StatusOK)
		if !strings.Contains(page.Body, `value="`+betaSlot+`"`) || !strings.Contains(page.Body, "Skyline") {
			t.Fatal("the brand named in the narrative does not suggest its member")
		}
		if !strings.Contains(page.Body, `name="identity_`+acmeSlot+`" value="yes" disabled`) {
			t.Error("without consent the identity box is not disabled")
		}
		if !strings.Contains(page.Body, "Tiếng Việt") && !strings.Contains(page.Body, "English") {
			t.Error("the reporter's language is not shown")
		}

		form := url.Values{
			"candidate":             {acmeSlot, betaSlot},
			"refer":                 {acmeSlot, betaSlot},
			"narrative_" + acmeSlot: {"Workers at your supplier report that their passports are held."},
			"narrative_" + betaSlot: {"Workers making your Skyline products report that passports are held."},
			"relation_" + betaSlot:  {"supplier_deeper"},
			"identity_" + acmeSlot:  {"yes"}, // forced: the box is disabled
			"op":                    {"accept"},
		}
		forced := desk.Post(casePath(f.CaseID, "/screening/accept"), form)
		mustStatus(t, "sharing the identity without consent", forced, http.StatusUnprocessableEntity)
		if !strings.Contains(forced.Body, "did not consent to sharing their identity") {
			t.Error("the refusal does not say the reporter did not consent")
		}
		if !strings.Contains(forced.Body, "Workers making your Skyline products report that passports are held.") {
			t.Error("the refused form lost the typed narratives")
		}
		if refs, _ := s.Referrals(ctx, f.CaseID); len(refs) != 0 {
			t.Fatalf("a refused acceptance created %d referrals", len(refs))
		}
		if cs, _ := s.CaseCompanies(ctx, f.CaseID); len(cs) != 1 {
			t.Fatalf("a refused acceptance added companies: %d", len(cs))
		}

		form.Del("identity_" + acmeSlot)
		mustStatus(t, "accept", desk.Post(casePath(f.CaseID, "/screening/accept"), form), http.StatusSeeOther)
		c, err := s.DeskCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != grievance.CaseAccepted || len(c.Referrals) != 2 {
			t.Fatalf("after accepting: %s with %d referrals", c.Stage, len(c.Referrals))
		}
		narratives := map[int64]string{}
		for _, ref := range c.Referrals {
			narratives[ref.MemberID] = ref.SharedNarrative
			if ref.ShareIdentity {
				t.Errorf("the identity was shared with member %d without consent", ref.MemberID)
			}
		}
		if narratives[acme] != "Workers at your supplier report that their passports are held." ||
			narratives[beta] != "Workers making your Skyline products report that passports are held." {
			t.Fatalf("narratives per member = %v", narratives)
		}
		if len(c.Companies) != 2 || c.Companies[1].MemberID != beta || c.Companies[1].Relation != "supplier_deeper" {
			t.Fatalf("the member the reporter did not name was not added to the case: %+v", c.Companies)
		}
	})
}

func TestAcceptSharesIdentityAndFilesOnlyAsChosen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		beta := site.Member("Beta Retail", "")
		h := site.User(grievance.RoleHandler, 0)
		r := stafftest.Report("VN", "Passports held.", grievance.CompanyRef{MemberID: acme}, grievance.CompanyRef{MemberID: beta})
		r.Anonymous, r.IdentityName, r.ConsentShareIdentity = false, "Pham Van Minh", true
		r.Attachments = []grievance.Attachment{
			{Name: "dorm.jpg", ContentType: "image/jpeg", Data: []byte("photo with GPS"), Shareable: []byte("clean copy")},
			{Name: "contract.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 /Author (Pham)")}, // never cleaned
		}
		f := toScreening(t, site, h, r)
		desk := site.SignIn(h)
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		a, b := "c"+itoa(companies[0].ID), "c"+itoa(companies[1].ID)
		c, _ := s.DeskCase(ctx, f.CaseID)
		file, pdf := itoa(c.Attachments[0].ID), itoa(c.Attachments[1].ID)

		page := desk.Get(casePath(f.CaseID, "/screening"))
		if strings.Contains(page.Body, `name="identity_`+a+`" value="yes" disabled`) {
			t.Fatal("with consent the identity box is disabled")
		}
		// The handler sees, per file, what sharing gives: the photo's copy, the PDF not at all.
		if !strings.Contains(page.Body, `value="`+file+`"`) || strings.Contains(page.Body, `value="`+pdf+`"`) {
			t.Fatal("the photo is not offered for sharing, or the PDF without a clean copy is")
		}
		kept := page.Body[strings.Index(page.Body, `id="kept-files"`):]
		if !strings.Contains(page.Body, "dorm.jpg <span class=\"meta\">(image/jpeg · shared only as a copy without metadata)") ||
			!strings.Contains(kept, "contract.pdf <span class=\"meta\">(application/pdf · secretariat only: files of this type cannot be cleaned of metadata)") {
			t.Fatalf("the screening page does not say per file what is shared:\n%s", page.Body)
		}
		refused := desk.Post(casePath(f.CaseID, "/screening/accept"), url.Values{
			"candidate": {a, b}, "refer": {a, b}, "narrative_" + a: {"For Acme."}, "narrative_" + b: {"For Beta."}, "files_" + a: {pdf},
		})
		mustStatus(t, "accept sharing the PDF", refused, http.StatusUnprocessableEntity)
		if c, _ := s.DeskCase(ctx, f.CaseID); len(c.Referrals) != 0 {
			t.Fatal("a refused acceptance made referrals")
		}
		mustStatus(t, "accept", desk.Post(casePath(f.CaseID, "/screening/accept"), url.Values{
			"candidate": {a, b}, "refer": {a, b}, "narrative_" + a: {"For Acme."}, "narrative_" + b: {"For Beta."},
			"identity_" + a: {"yes"}, "files_" + a: {file},
		}), http.StatusSeeOther)
		c, _ = s.DeskCase(ctx, f.CaseID)
		if len(c.Referrals) != 2 {
			t.Fatalf("%d referrals", len(c.Referrals))
		}
		for _, ref := range c.Referrals {
			wantShare, wantFiles := ref.MemberID == acme, 0
			if wantShare {
				wantFiles = 1
			}
			if ref.ShareIdentity != wantShare || len(ref.SharedFiles) != wantFiles {
				t.Errorf("member %d: identity shared %v, files %v", ref.MemberID, ref.ShareIdentity, ref.SharedFiles)
			}
		}
	})
}

func TestNotAcceptingTellsTheReporterWhereElseToGo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		h := site.User(grievance.RoleHandler, 0)
		r := stafftest.Report("VN", "My neighbour's dog barks.")
		r.Language = "vi"
		f := toScreening(t, site, h, r)
		desk := site.SignIn(h)
		page := desk.Get(casePath(f.CaseID, "/screening"))
		if !strings.Contains(page.Body, "Tiếng Việt (vi)") {
			t.Error("the screening page does not show the reporter's language")
		}
		text := "Vấn đề này không thuộc phạm vi của chúng tôi. Hãy liên hệ chính quyền địa phương."
		missing := desk.Post(casePath(f.CaseID, "/screening/not-accepted"), url.Values{"referral_text": {text}})
		mustStatus(t, "no reason code", missing, http.StatusUnprocessableEntity)
		if !strings.Contains(missing.Body, text) {
			t.Error("the refused form lost the referral text")
		}
		mustStatus(t, "not accepted", desk.Post(casePath(f.CaseID, "/screening/not-accepted"), url.Values{
			"not_accepted_reason": {"not_human_rights"}, "referral_text": {text},
		}), http.StatusSeeOther)
		rc, err := s.ReporterCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Stage != grievance.CaseNotAccepted {
			t.Fatalf("stage %s", rc.Stage)
		}
		if !slices.ContainsFunc(rc.Messages, func(m store.Message) bool { return m.Body == text }) {
			t.Fatalf("the referral text is not in the reporter's thread: %+v", rc.Messages)
		}
	})
}

func TestAskingForInformationReachesTheReporter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		h := site.User(grievance.RoleHandler, 0)
		f := toScreening(t, site, h, stafftest.Report("TH", "They took our passports."))
		desk := site.SignIn(h)
		mustStatus(t, "empty question", desk.Post(casePath(f.CaseID, "/screening/question"), url.Values{"question": {"  "}}), http.StatusUnprocessableEntity)
		question := "Which factory building do you work in?"
		mustStatus(t, "question", desk.Post(casePath(f.CaseID, "/screening/question"), url.Values{"question": {question}}), http.StatusSeeOther)
		rc, err := s.ReporterCase(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Stage != grievance.CaseAwaitingInformation {
			t.Fatalf("the case does not wait for the answer: %s", rc.Stage)
		}
		if len(rc.Messages) != 1 || rc.Messages[0].Body != question {
			t.Fatalf("the reporter does not see the question: %+v", rc.Messages)
		}
		if page := desk.Get(casePath(f.CaseID, "/screening")); !strings.Contains(page.Body, "no screening decision is possible now") {
			t.Error("the screening page offers decisions while the case waits for the reporter")
		}
	})
}

func TestScreeningAddsAMemberByHandKeepingWhatWasTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		site.Member("Acme Apparel", "")
		gamma := site.Member("Gamma Foods", "")
		h := site.User(grievance.RoleHandler, 0)
		f := toScreening(t, site, h, stafftest.Report("TH", "Unpaid wages at the cannery.", grievance.CompanyRef{Name: "Sunrise Cannery"}))
		desk := site.SignIn(h)
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		sunrise := "c" + itoa(companies[0].ID)
		added := desk.Post(casePath(f.CaseID, "/screening/accept"), url.Values{
			"candidate": {sunrise}, "narrative_" + sunrise: {"Edited for the cannery."}, "op": {"add"}, "add_member": {itoa(gamma)},
		})
		mustStatus(t, "add a member", added, http.StatusOK)
		if !strings.Contains(added.Body, "Edited for the cannery.") || !strings.Contains(added.Body, `value="m`+itoa(gamma)+`"`) {
			t.Fatal("adding a member lost the typed text or did not add the member")
		}
		mustStatus(t, "accept", desk.Post(casePath(f.CaseID, "/screening/accept"), url.Values{
			"candidate": {sunrise, "m" + itoa(gamma)}, "refer": {sunrise, "m" + itoa(gamma)},
			"narrative_" + sunrise: {"For the cannery (not a member)."}, "narrative_m" + itoa(gamma): {"For Gamma."},
		}), http.StatusSeeOther)
		refs, _ := s.Referrals(ctx, f.CaseID)
		if len(refs) != 2 || refs[0].MemberID != 0 || refs[1].MemberID != gamma {
			t.Fatalf("referrals = %+v; want an approach to the non-member and one to Gamma", refs)
		}
	})
}
