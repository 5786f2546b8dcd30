package desk_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestFileDownloadIsAuditedAndNeverRendered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		r := stafftest.Report("VN", "See the payslip.")
		content := "<html><script>alert(1)</script> payslip: 0 VND</html>"
		r.Attachments = []grievance.Attachment{{Name: "bảng lương.txt", ContentType: "text/plain; charset=utf-8", Data: []byte(content)}}
		f := site.File(r)
		h := site.User(grievance.RoleHandler, 0)
		desk := site.SignIn(h)
		c, _ := s.DeskCase(ctx, f.CaseID)
		link := casePath(f.CaseID, "/files/", itoa(c.Attachments[0].ID))
		if page := desk.Get(casePath(f.CaseID)); !strings.Contains(page.Body, `href="`+link+`"`) {
			t.Fatal("the case page does not list the file")
		}
		want := fmt.Sprintf("user:%d attachment.download", h.ID)
		if auditHas(t, s, f.CaseID, want) {
			t.Fatal("a download was audited before it happened")
		}
		got := desk.Get(link)
		mustStatus(t, "download", got, http.StatusOK)
		if got.Body != content {
			t.Fatalf("downloaded %q", got.Body)
		}
		if cd := got.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''b%E1%BA%A3ng%20l%C6%B0%C6%A1ng.txt") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("no nosniff")
		}
		if !auditHas(t, s, f.CaseID, want) {
			t.Fatal("the download was not audited")
		}
		other := site.File(stafftest.Report("TH", "Another case."))
		if got := desk.Get(casePath(other.CaseID, "/files/", itoa(c.Attachments[0].ID))); got.Status != http.StatusNotFound {
			t.Errorf("a file through another case's address: %d", got.Status)
		}
	})
}

func TestTranslationsAreSealedAndShownUnderTheMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		f := site.File(stafftest.Report("VN", "Report."))
		reporterText := "Chúng tôi chưa được trả lương ba tháng."
		mid, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: store.Actor{Role: "reporter"}, Body: reporterText})
		if err != nil {
			t.Fatal(err)
		}
		desk := site.SignIn(site.User(grievance.RoleHandler, 0))
		path := casePath(f.CaseID, "/messages/", itoa(mid), "/translations")
		mustStatus(t, "empty translation", desk.Post(path, url.Values{"language": {"en"}, "text": {""}}), http.StatusUnprocessableEntity)
		translation := "We have not been paid for three months (translation q7Zx)."
		mustStatus(t, "translation", desk.Post(path, url.Values{"language": {"en"}, "text": {translation}}), http.StatusSeeOther)

		page := desk.Get(casePath(f.CaseID))
		msg := page.Body[strings.Index(page.Body, `id="message-`+itoa(mid)+`"`):]
		msg = msg[:strings.Index(msg, "</li>")]
		if !strings.Contains(msg, reporterText) || !strings.Contains(msg, translation) {
			t.Fatalf("the translation is not shown under its message:\n%s", msg)
		}
		rows, err := s.DB().QueryContext(ctx, `SELECT body_sealed FROM message_translations`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			n++
			if bytes.Contains(b, []byte("q7Zx")) {
				t.Fatal("a translation is stored in clear")
			}
		}
		if n != 1 {
			t.Fatalf("%d translations stored", n)
		}
		other := site.File(stafftest.Report("TH", "Another case."))
		if got := desk.Post(casePath(other.CaseID, "/messages/", itoa(mid), "/translations"), url.Values{"language": {"en"}, "text": {"x"}}); got.Status != http.StatusNotFound {
			t.Errorf("translating another case's message: %d", got.Status)
		}
	})
}

func TestReferralWorkFromTheCasePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		h := site.User(grievance.RoleHandler, 0)
		colleague := site.User(grievance.RoleHandler, 0)
		expert := site.User(grievance.RoleExpert, 0)
		f := toScreening(t, site, h, stafftest.Report("VN", "Overtime unpaid.", grievance.CompanyRef{MemberID: acme}))
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h.Actor(), Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "For Acme."}}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		rid := refs[0].ID
		desk := site.SignIn(h)
		stage := casePath(f.CaseID, "/referrals/", itoa(rid), "/stage")

		page := desk.Get(casePath(f.CaseID))
		if !strings.Contains(page.Body, `data-referral-move="responded"`) || strings.Count(page.Body, "data-referral-move=") != 1 {
			t.Fatal("a forwarded referral should offer exactly the company's response")
		}
		for _, to := range []string{"responded", "dialogue"} {
			mustStatus(t, "referral → "+to, desk.Post(stage, url.Values{"to": {to}}), http.StatusSeeOther)
		}
		refused := desk.Post(stage, url.Values{"to": {"remedy_agreed"}, "reason": {""}})
		mustStatus(t, "remedy without types", refused, http.StatusUnprocessableEntity)
		if !strings.Contains(refused.Body, "Choose at least one type of remedy.") {
			t.Error("the refusal is not explained")
		}
		mustStatus(t, "remedy agreed", desk.Post(stage, url.Values{"to": {"remedy_agreed"}, "remedy_types": {"apology", "financial_compensation"}}), http.StatusSeeOther)

		monitor := casePath(f.CaseID, "/referrals/", itoa(rid), "/monitoring")
		mustStatus(t, "empty check", desk.Post(monitor, url.Values{"note": {""}}), http.StatusUnprocessableEntity)
		mustStatus(t, "check", desk.Post(monitor, url.Values{"note": {"Back pay seen in the March payroll."}}), http.StatusSeeOther)
		if checks, _ := s.MonitoringChecks(ctx, rid); len(checks) != 1 || checks[0].Note != "Back pay seen in the March payroll." {
			t.Fatalf("checks = %+v", checks)
		}

		msg := desk.Post(casePath(f.CaseID, "/messages"), url.Values{"thread": {"company"}, "referral": {itoa(rid)}, "body": {"Please send the payroll."}})
		mustStatus(t, "company message", msg, http.StatusSeeOther)
		if got := desk.Post(casePath(f.CaseID, "/messages"), url.Values{"thread": {"company"}, "referral": {itoa(rid + 99)}, "body": {"x"}}); got.Status != http.StatusNotFound {
			t.Errorf("a message to another case's referral: %d", got.Status)
		}
		empty := desk.Post(casePath(f.CaseID, "/messages"), url.Values{"thread": {"internal"}, "body": {" "}})
		mustStatus(t, "empty note", empty, http.StatusUnprocessableEntity)

		mustStatus(t, "assign handler", desk.Post(casePath(f.CaseID, "/handler"), url.Values{"handler": {itoa(colleague.ID)}}), http.StatusSeeOther)
		mustStatus(t, "assign an expert as handler", desk.Post(casePath(f.CaseID, "/handler"), url.Values{"handler": {itoa(expert.ID)}}), http.StatusUnprocessableEntity)
		mustStatus(t, "assign expert", desk.Post(casePath(f.CaseID, "/experts"), url.Values{"expert": {itoa(expert.ID)}}), http.StatusSeeOther)
		page = desk.Get(casePath(f.CaseID))
		for _, want := range []string{colleague.DisplayName, expert.DisplayName, "Please send the payroll.", "Back pay seen in the March payroll.", "Financial compensation"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the case page lacks %q", want)
			}
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		if c.HandlerID != colleague.ID {
			t.Fatalf("handler %d, want %d", c.HandlerID, colleague.ID)
		}
		if !auditHas(t, s, f.CaseID, fmt.Sprintf("user:%d case.handler", h.ID)) {
			t.Error("assigning the handler was not audited")
		}
		mustStatus(t, "remove expert", desk.Post(casePath(f.CaseID, "/experts/", itoa(expert.ID), "/remove"), nil), http.StatusSeeOther)
		if experts, _ := s.CaseExperts(ctx, f.CaseID); len(experts) != 0 {
			t.Fatalf("experts after removal: %+v", experts)
		}

		// Monitoring, conclusion, and closing with lessons learned.
		mustStatus(t, "monitoring", desk.Post(stage, url.Values{"to": {"monitoring"}}), http.StatusSeeOther)
		mustStatus(t, "concluded", desk.Post(stage, url.Values{"to": {"concluded"}, "outcome": {"resolved"}}), http.StatusSeeOther)
		page = desk.Get(casePath(f.CaseID))
		if !strings.Contains(page.Body, `data-move="closed"`) || !strings.Contains(page.Body, `name="lessons"`) {
			t.Fatal("closing is not offered with lessons learned")
		}
		mustStatus(t, "close", desk.Post(casePath(f.CaseID, "/stage"), url.Values{"to": {"closed"}, "outcome": {"resolved"}, "lessons": {"Payroll audits catch unpaid overtime early."}}), http.StatusSeeOther)
		c, _ = s.DeskCase(ctx, f.CaseID)
		if c.Stage != grievance.CaseClosed || c.Lessons != "Payroll audits catch unpaid overtime early." {
			t.Fatalf("closed case: %s, lessons %q", c.Stage, c.Lessons)
		}
		if got := offered(desk.Get(casePath(f.CaseID)).Body); len(got) != 0 {
			t.Errorf("a closed case offers %v", got)
		}
	})
}
