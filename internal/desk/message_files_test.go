package desk_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/media/mediatest"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// messageWithFile builds the desk's message form with one file.
func messageWithFile(t *testing.T, site *stafftest.Site, caseID int64, fields map[string]string, name string, data []byte) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("files", name)
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", site.URL(casePath(caseID, "/messages")), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	return req
}

// A photo sent to a company is stored, and so given, only as its copy without metadata; a PDF,
// which we cannot clean, is refused with the reason, for the company and the reporter alike.
func TestDeskFilesLeaveOnlyCleaned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		h := site.User(grievance.RoleHandler, 0)
		f := toScreening(t, site, h, stafftest.Report("VN", "Overtime unpaid.", grievance.CompanyRef{MemberID: acme}))
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h.Actor(), Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "For Acme."}}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		rid := itoa(refs[0].ID)
		desk := site.SignIn(h)
		alphaUser := site.User(grievance.RoleMember, acme)
		company := map[string]string{"thread": "company", "referral": rid, "body": "See the photo."}
		got := desk.Send(messageWithFile(t, site, f.CaseID, company, "site.jpg", mediatest.JPEGWithGPS(64, 48)))
		mustStatus(t, "photo to the company", got, http.StatusSeeOther)
		pdf := []byte("%PDF-1.4\n/Author (Handler Name)\n%%EOF")
		for _, fields := range []map[string]string{company, {"thread": "reporter", "body": "A letter."}} {
			got = desk.Send(messageWithFile(t, site, f.CaseID, fields, "letter.pdf", pdf))
			if got.Status != http.StatusUnprocessableEntity || !strings.Contains(got.Body, "PDFs and other documents cannot be cleaned") {
				t.Errorf("a PDF to the %s thread: %d", fields["thread"], got.Status)
			}
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		var sent []store.AttachmentInfo
		for _, a := range c.Attachments {
			if a.MessageID != 0 {
				sent = append(sent, a)
			}
		}
		if len(sent) != 1 {
			t.Fatalf("files stored with messages: %+v", sent)
		}
		_, data, err := s.AttachmentContent(ctx, f.CaseID, sent[0].ID, false)
		if err != nil || bytes.Contains(data, []byte("GPS")) || bytes.Contains(data, []byte("Exif")) || !bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
			t.Errorf("the stored photo still carries its metadata (or is no JPEG): %v", err)
		}
		// The message with a file notifies the company once, as a message without one does; the
		// refused ones notify no one. A notice carries no content at all, so no file name.
		rows, _ := s.OutboxRows(ctx)
		notices := 0
		for _, o := range rows {
			if o.Kind == grievance.NoticeSecretariatMessage && o.UserID == alphaUser.ID {
				notices++
			}
		}
		if notices != 1 {
			t.Errorf("notices to the company: %d, want 1", notices)
		}
		alpha := site.SignIn(alphaUser)
		dl := alpha.Get("/member/referrals/" + rid + "/files/" + itoa(sent[0].ID))
		if dl.Status != http.StatusOK || strings.Contains(dl.Body, "Exif") || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("the company's download: %d %v", dl.Status, dl.Header)
		}
	})
}

// The reporter downloads what the secretariat sent them, under a neutral name, with the download
// headers; never a company's file, nor a file of another case.
func TestReporterDownloadsOnlyTheirThreadsFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "")
		h := site.User(grievance.RoleHandler, 0)
		f := toScreening(t, site, h, stafftest.Report("VN", "Overtime unpaid.", grievance.CompanyRef{MemberID: acme}))
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: h.Actor(), Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "For Acme."}}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		desk := site.SignIn(h)
		mustStatus(t, "photo to the reporter", desk.Send(messageWithFile(t, site, f.CaseID, map[string]string{"thread": "reporter", "body": "Photo."}, "handler-secret-name.jpg", mediatest.JPEGWithGPS(64, 48))), http.StatusSeeOther)
		if _, err := s.MemberMessage(ctx, acme, refs[0].ID, "ours", []grievance.Attachment{{Name: "acme.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("ACME-FILE")}}, site.User(grievance.RoleMember, acme).Actor()); err != nil {
			t.Fatal(err)
		}
		note := []byte("INTERNAL-NOTE-FILE")
		mustStatus(t, "a file in an internal note", desk.Send(messageWithFile(t, site, f.CaseID, map[string]string{"thread": "internal", "body": "Note."}, "note.txt", note)), http.StatusSeeOther)
		c, _ := s.DeskCase(ctx, f.CaseID)
		var toReporter, fromCompany, internal int64
		for _, a := range c.Attachments {
			switch a.Name {
			case "handler-secret-name.jpg":
				toReporter = a.ID
			case "acme.txt":
				fromCompany = a.ID
			case "note.txt":
				internal = a.ID
			}
		}
		reporter := site.Reporter(f.CaseID)
		page := reporter.Get("/follow-up/case")
		if !strings.Contains(page.Body, `href="/follow-up/files/`+itoa(toReporter)+`"`) || strings.Contains(page.Body, "acme.txt") {
			t.Errorf("the reporter's page lacks the file or shows the company's")
		}
		dl := reporter.Get("/follow-up/files/" + itoa(toReporter))
		hd := dl.Header
		if dl.Status != http.StatusOK || strings.Contains(dl.Body, "Exif") || hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Cache-Control") != "no-store" ||
			!strings.Contains(hd.Get("Content-Security-Policy"), "sandbox") || hd.Get("Content-Disposition") != `attachment; filename=document-`+itoa(toReporter)+`.jpg` {
			t.Errorf("the reporter's download: %d %v", dl.Status, hd)
		}
		if got := reporter.Get("/follow-up/files/" + itoa(fromCompany)); got.Status != http.StatusNotFound || strings.Contains(got.Body, "ACME-FILE") {
			t.Errorf("the reporter got the company's file: %d", got.Status)
		}
		if got := reporter.Get("/follow-up/files/" + itoa(internal)); got.Status != http.StatusNotFound || strings.Contains(got.Body, "INTERNAL-NOTE") {
			t.Errorf("the reporter got an internal note's file: %d", got.Status)
		}
		other := site.Reporter(site.File(stafftest.Report("TH", "Another case.")).CaseID)
		if got := other.Get("/follow-up/files/" + itoa(toReporter)); got.Status != http.StatusNotFound {
			t.Errorf("another reporter got the file: %d", got.Status)
		}
		beta := site.SignIn(site.User(grievance.RoleMember, site.Member("Beta", "")))
		if got := beta.Get("/member/referrals/" + itoa(refs[0].ID) + "/files/" + itoa(fromCompany)); got.Status != http.StatusNotFound {
			t.Errorf("another company got Acme's file: %d", got.Status)
		}
	})
}
