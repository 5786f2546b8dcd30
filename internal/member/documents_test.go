package member_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// The documents section says per file what the company is given, and only files with a copy
// without metadata are offered or served — a file without one is not, even if it was recorded
// as shared (by an older version, or by hand).
func TestSharedDocumentsAreCleanCopiesSaidSoPerFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		alphaID := site.Member("Alpha Apparel", "")
		r := stafftest.Report("VN", original, grievance.CompanyRef{MemberID: alphaID})
		r.Attachments = []grievance.Attachment{
			{Name: "Lan-wall.jpg", ContentType: "image/jpeg", Data: []byte("photo with GPS"), Shareable: []byte("clean photo")},
			{Name: "Lan-shot.webp", ContentType: "image/webp", Data: []byte("webp with EXIF"), Shareable: []byte("\x89PNG clean")},
			{Name: "Lan-notes.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("notes"), Shareable: []byte("notes")},
			{Name: "Lan-payslip.pdf", ContentType: "application/pdf", Data: []byte("%PDF /Author (Lan)")},
		}
		f := site.File(r)
		desk := site.User(grievance.RoleHandler, 0).Actor()
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: desk}); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		ids := []int64{c.Attachments[0].ID, c.Attachments[1].ID, c.Attachments[2].ID}
		companies, _ := s.CaseCompanies(ctx, f.CaseID)
		if err := s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: desk, Referrals: []store.AcceptedReferral{
			{CompanyID: companies[0].ID, SharedNarrative: "shared", Files: ids},
		}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, f.CaseID)
		pdf := c.Attachments[3].ID
		if _, err := s.DB().Exec(storetest.Rebind(s, `INSERT INTO referral_attachments (referral_id, attachment_id) VALUES (?, ?)`), refs[0].ID, pdf); err != nil {
			t.Fatal(err)
		}
		alpha := site.SignIn(site.User(grievance.RoleMember, alphaID))
		page := alpha.Get(ref(refs[0].ID))
		docs := page.Body[strings.Index(page.Body, `id="documents"`):]
		docs = docs[:strings.Index(docs, "</section>")]
		for _, want := range []string{
			fmt.Sprintf("document-%d.jpg</a> <span class=\"meta\">(a copy with its metadata removed", ids[0]),
			fmt.Sprintf("document-%d.png</a> <span class=\"meta\">(a copy with its metadata removed", ids[1]),
			fmt.Sprintf("document-%d.txt</a> <span class=\"meta\">(a text as written", ids[2]),
		} {
			if !strings.Contains(docs, want) {
				t.Errorf("the documents section lacks %q:\n%s", want, docs)
			}
		}
		if strings.Contains(docs, fmt.Sprintf("document-%d", pdf)) || strings.Contains(docs, "Lan-") {
			t.Errorf("the documents section offers the PDF or a reporter's file name:\n%s", docs)
		}
		files := ref(refs[0].ID) + "/files/"
		webp := alpha.Get(files + fmt.Sprint(ids[1]))
		if webp.Status != http.StatusOK || webp.Body != "\x89PNG clean" || webp.Header.Get("Content-Type") != "image/png" ||
			!strings.Contains(webp.Header.Get("Content-Disposition"), fmt.Sprintf("document-%d.png", ids[1])) {
			t.Errorf("the WebP's copy: %d %q %v", webp.Status, webp.Body, webp.Header)
		}
		if got := alpha.Get(files + fmt.Sprint(pdf)); got.Status != http.StatusNotFound || strings.Contains(got.Body, "%PDF") {
			t.Errorf("the PDF without a clean copy was served: %d", got.Status)
		}
	})
}
