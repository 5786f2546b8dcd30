package desk_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestDeskPagesShowNoCatalogKeys renders every desk page in English and Japanese, in stages
// that show most of their parts, and fails on any catalog key left untranslated.
func TestDeskPagesShowNoCatalogKeys(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	acme := site.Member("Acme Apparel", "アクメ衣料", store.MemberAlias{Kind: "brand", Name: "Skyline"})
	h := site.User(grievance.RoleHandler, 0)
	site.User(grievance.RoleExpert, 0)
	r := stafftest.Report("VN", "Skyline jackets; passports held.", grievance.CompanyRef{MemberID: acme}, grievance.CompanyRef{Name: "Dye works"})
	r.Anonymous, r.IdentityName, r.VulnerableGroups, r.ReporterType, r.PreferredContact = false, "Minh", []grievance.VulnerableGroup{"migrant"}, "union", "phone"
	r.Attachments = []grievance.Attachment{{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
	screening := toScreening(t, site, h, r)
	accepted := toScreening(t, site, h, r)
	companies, _ := s.CaseCompanies(ctx, accepted.CaseID)
	if err := s.AcceptCase(ctx, store.Acceptance{CaseID: accepted.CaseID, Actor: h.Actor(), Referrals: []store.AcceptedReferral{{CompanyID: companies[0].ID, SharedNarrative: "n"}}}); err != nil {
		t.Fatal(err)
	}
	refs, _ := s.Referrals(ctx, accepted.CaseID)
	for _, to := range []grievance.ReferralStage{"responded", "dialogue", "remedy_agreed"} {
		if err := s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: refs[0].ID, To: to, Actor: h.Actor(), RemedyTypes: []grievance.RemedyType{"apology"}}); err != nil {
			t.Fatal(err)
		}
	}
	key := regexp.MustCompile(`\b(desk|code|common|role|field|nav)\.[a-z_]+(\.[a-z_]+)?\b`)
	c := site.SignIn(h)
	for _, lang := range []string{"en", "ja"} {
		for _, page := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", casePath(screening.CaseID), nil},
			{"GET", casePath(screening.CaseID, "/screening"), nil},
			{"GET", casePath(accepted.CaseID), nil},
			{"POST", casePath(accepted.CaseID, "/identity"), url.Values{}},
			{"POST", casePath(accepted.CaseID, "/stage"), url.Values{"to": {"suspended"}}},
			{"GET", "/desk/intake", nil},
			{"POST", "/desk/intake", url.Values{"channel": {"phone"}}},
		} {
			var body io.Reader = http.NoBody
			if page.form != nil {
				body = strings.NewReader(page.form.Encode())
			}
			req, _ := http.NewRequest(page.method, site.URL(page.path), body)
			if page.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Set("Accept-Language", lang)
			got := c.Send(req)
			if got.Status >= 500 || got.Status == http.StatusNotFound {
				t.Fatalf("%s %s %s: %d", lang, page.method, page.path, got.Status)
			}
			if k := key.FindString(got.Body); k != "" {
				t.Errorf("%s %s %s shows the key %s", lang, page.method, page.path, k)
			}
			if strings.Contains(got.Body, "%!") {
				t.Errorf("%s %s %s has a broken format verb", lang, page.method, page.path)
			}
		}
	}
}
