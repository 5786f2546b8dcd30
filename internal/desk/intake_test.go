package desk_test

import (
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

// receiptOf reads the receipt number off the page that shows it once.
func receiptOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)class="receipt-number"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no receipt on the page:\n%s", body)
	}
	return regexp.MustCompile(`[^0-9]`).ReplaceAllString(m[1], "")
}

func TestStaffIntakeByPhoneGivesAReceiptThatOpensTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		acme := site.Member("Acme Apparel", "アクメ衣料")
		h := site.User(grievance.RoleHandler, 0)
		desk := site.SignIn(h)
		mustStatus(t, "intake form", desk.Get("/desk/intake"), http.StatusOK)

		form := url.Values{
			"channel": {"phone"}, "language": {"vi"}, "reporter_type": {"affected_person"},
			"anonymous": {"no"}, "identity_name": {"Tran Thi Hoa"}, "identity_contact": {"Zalo 0901"},
			"company_0_member": {itoa(acme)}, "company_0_relation": {"supplier"},
			"company_1_name": {"Hoa Binh Dye Works"}, "company_1_relation": {"supplier_deeper"},
			"country": {"VN"}, "site": {"Binh Duong"}, "categories": {"wages_benefits", "working_hours"},
			"description": {"Caller says overtime has been unpaid since March."}, "people_affected": {"40"},
			"urgency": {"urgent"},
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Del("description")
		refused := desk.Post("/desk/intake", bad)
		mustStatus(t, "intake without a description", refused, http.StatusUnprocessableEntity)
		for _, kept := range []string{"Tran Thi Hoa", "Hoa Binh Dye Works", "Binh Duong", `value="40"`} {
			if !strings.Contains(refused.Body, kept) {
				t.Errorf("the refused form lost %q", kept)
			}
		}
		if !strings.Contains(refused.Body, "This field is required.") {
			t.Error("the missing description is not explained")
		}

		got := desk.Post("/desk/intake", form)
		mustStatus(t, "intake", got, http.StatusOK)
		if got.Location != "" || got.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the receipt page must be shown in the answer, uncached: Location %q, Cache-Control %q", got.Location, got.Header.Get("Cache-Control"))
		}
		id, err := s.CaseIDByReceipt(ctx, receiptOf(t, got.Body))
		if err != nil {
			t.Fatalf("the receipt opens no case: %v", err)
		}
		c, err := s.DeskCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Channel != "phone" || c.Language != "vi" || c.Description != "Caller says overtime has been unpaid since March." || c.PeopleAffected != 40 {
			t.Fatalf("filed case = channel %s, language %s, %q, %d people", c.Channel, c.Language, c.Description, c.PeopleAffected)
		}
		if len(c.Companies) != 2 || c.Companies[0].MemberID != acme || c.Companies[1].Name != "Hoa Binh Dye Works" {
			t.Fatalf("companies = %+v", c.Companies)
		}
		if !strings.Contains(got.Body, `href="/desk/cases/`+itoa(id)+`"`) {
			t.Error("the receipt page does not lead to the case")
		}
		if ident, err := s.CaseIdentity(ctx, id, h.Actor()); err != nil || ident.Name != "Tran Thi Hoa" {
			t.Errorf("identity = %+v, %v", ident, err)
		}
	})
}

func TestStaffIntakeRefusesAChannelThatIsNotAHandlers(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	desk := site.SignIn(site.User(grievance.RoleHandler, 0))
	got := desk.Post("/desk/intake", url.Values{"channel": {"web"}, "language": {"en"}, "country": {"TH"},
		"company_0_name": {"A factory"}, "description": {"Typed by the handler."}})
	mustStatus(t, "web channel", got, http.StatusUnprocessableEntity)
	if !strings.Contains(got.Body, "Typed by the handler.") {
		t.Error("the refused form lost the description")
	}
}
