package transparency_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var ctx = context.Background()

// world is a site with one case taken up through the live paths, every sensitive field of it
// holding a marker, and closed with lessons, a rating comment and messages holding markers too.
type world struct {
	site      *stafftest.Site
	markers   []string
	reference string
	memberID  int64
	fy        int
}

func newWorld(t *testing.T, s *store.Store) *world {
	w := &world{site: stafftest.New(t, s)}
	mark := func(field string) string {
		m := "MARKER-" + field + "-q7Zx"
		w.markers = append(w.markers, m, "秘密"+field+"秘密")
		return m + " 秘密" + field + "秘密"
	}
	w.memberID = w.site.Member("Sakura Apparel Holdings", "さくらアパレル")
	h := w.site.User(grievance.RoleHandler, 0)
	actor := h.Actor()
	r := grievance.Report{
		Channel: grievance.ChannelWeb, Language: "vi", Country: "VN", ReporterType: "affected_person",
		IdentityName: mark("identity_name"), IdentityContact: mark("identity_contact"), ConsentShareIdentity: true,
		Companies: []grievance.CompanyRef{{MemberID: w.memberID, Relation: "supplier"}, {Name: mark("company_name"), Relation: "supplier_deeper"}},
		Site:      mark("site"), WhenHappened: mark("when_happened"), Description: mark("description"),
		RemedySought: mark("remedy_sought"), RaisedElsewhere: true, RaisedElsewhereWhere: mark("raised_elsewhere_where"),
		Categories:  []grievance.Category{"forced_labour", "wages_benefits"},
		Attachments: []grievance.Attachment{{Name: mark("attachment_name") + ".txt", ContentType: "text/plain", Data: []byte(mark("attachment_content"))}},
	}
	f := w.site.File(r)
	w.reference = f.Reference
	w.fy = s.Timeline().FiscalYear(s.Now())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		must(s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: actor, Reason: mark("reason_" + string(to))}))
	}
	companies, err := s.CaseCompanies(ctx, f.CaseID)
	must(err)
	must(s.AcceptCase(ctx, store.Acceptance{CaseID: f.CaseID, Actor: actor, Referrals: []store.AcceptedReferral{
		{CompanyID: companies[0].ID, SharedNarrative: mark("shared_narrative")}, {CompanyID: companies[1].ID, SharedNarrative: mark("shared_narrative_2")}}}))
	_, err = s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: actor, Body: mark("message")})
	must(err)
	refs, err := s.Referrals(ctx, f.CaseID)
	must(err)
	for _, ref := range refs {
		for _, to := range []grievance.ReferralStage{grievance.ReferralResponded, grievance.ReferralConcluded} {
			must(s.ChangeReferralStage(ctx, store.ReferralStageChange{ReferralID: ref.ID, To: to, Actor: actor, Outcome: "resolved", Reason: mark("referral_reason")}))
		}
	}
	must(s.CloseCase(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseClosed, Actor: actor, Outcome: "resolved"}, "Lessons "+mark("lessons")))
	must(s.SetSatisfaction(ctx, f.CaseID, 4, mark("satisfaction_comment"), store.Actor{Role: string(grievance.RoleReporter)}))
	return w
}

// TestNoSensitiveFieldReachesAnyPublicOutput is the register's and statistics' promise: nothing
// but categorical data, and no date finer than a month, in any language or format.
func TestNoSensitiveFieldReachesAnyPublicOutput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		day := regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`)
		year := strconv.Itoa(w.fy)
		outputs := []string{
			"/register", "/register?fiscal_year=" + year, "/statistics", "/statistics?fiscal_year=" + year,
			"/api/v1/public/register", "/api/v1/public/register?format=csv",
			"/api/v1/public/statistics", "/api/v1/public/statistics?format=csv",
		}
		for _, lang := range []string{"en", "ja", "vi", "ar"} {
			for _, path := range outputs {
				req, _ := http.NewRequest("GET", w.site.URL(path), nil)
				req.Header.Set("Accept-Language", lang)
				got := w.site.Anonymous().Send(req)
				if got.Status != http.StatusOK {
					t.Fatalf("%s (%s): %d", path, lang, got.Status)
				}
				for _, m := range w.markers {
					if strings.Contains(got.Body, m) {
						t.Errorf("%s (%s) shows %q", path, lang, m)
					}
				}
				if strings.Contains(path, "register") {
					// The case is there (so the check above looked at it), with dates to the month.
					if !strings.Contains(got.Body, w.reference) {
						t.Errorf("%s (%s) does not list %s", path, lang, w.reference)
					}
					if d := day.FindString(got.Body); d != "" {
						t.Errorf("%s (%s) shows a day: %s", path, lang, d)
					}
				}
			}
		}
	})
}

func TestRegisterAPIListsTheCaseWithItsCompaniesAndStages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		got := w.site.Anonymous().Get("/api/v1/public/register")
		var reg struct {
			FiscalYear int `json:"fiscal_year"`
			Threshold  int `json:"threshold"`
			Cases      []struct {
				Reference  string   `json:"reference"`
				Received   string   `json:"received"`
				Country    string   `json:"country"`
				Categories []string `json:"categories"`
				Companies  []struct {
					MemberID int64  `json:"member_id"`
					Member   string `json:"member"`
					Stage    string `json:"stage"`
				} `json:"companies"`
				Withheld []string `json:"withheld"`
			} `json:"cases"`
		}
		if err := json.Unmarshal([]byte(got.Body), &reg); err != nil {
			t.Fatalf("%v: %s", err, got.Body)
		}
		if reg.FiscalYear != w.fy || reg.Threshold != store.DefaultRegisterThreshold || len(reg.Cases) != 1 {
			t.Fatalf("register = %+v", reg)
		}
		c := reg.Cases[0]
		// One case alone is under the threshold of 3: link, categories and country are withheld.
		if c.Reference != w.reference || c.Country != "" || c.Categories != nil || strings.Join(c.Withheld, ",") != "relation,categories,country" {
			t.Errorf("case = %+v", c)
		}
		if len(c.Companies) != 2 || c.Companies[0].Member != "Sakura Apparel Holdings" || c.Companies[0].Stage != "concluded" ||
			c.Companies[1].MemberID != 0 || c.Companies[1].Member != "" {
			t.Errorf("companies = %+v", c.Companies)
		}
		if err := s.SetRegisterThreshold(ctx, 1, store.Actor{Role: "admin", UserID: 1}); err != nil {
			t.Fatal(err)
		}
		// A new site: the register is cached for a minute per server.
		got = stafftest.New(t, s).Anonymous().Get("/api/v1/public/register?format=csv")
		rows, err := csv.NewReader(strings.NewReader(got.Body)).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("csv = %v %v", rows, err)
		}
		if rows[1][3] != "VN" || rows[1][4] != "forced_labour wages_benefits" || rows[1][7] != "supplier" || rows[2][7] != "supplier_deeper" || rows[1][9] != "" {
			t.Errorf("threshold 1 still withholds: %v", rows)
		}
	})
}

func TestStatisticsCountTheYearAndRefuseABadYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		c := w.site.Anonymous()
		var st struct {
			FiscalYear int `json:"fiscal_year"`
			Received   int `json:"received"`
			Referrals  int `json:"referrals"`
			Concluded  int `json:"concluded"`
			Breakdowns []struct {
				Key  string `json:"key"`
				Rows []struct {
					Code  string `json:"code"`
					Count int    `json:"count"`
				} `json:"rows"`
			} `json:"breakdowns"`
			Satisfaction struct {
				Answers int     `json:"answers"`
				Average float64 `json:"average"`
			} `json:"satisfaction"`
		}
		got := c.Get("/api/v1/public/statistics")
		if err := json.Unmarshal([]byte(got.Body), &st); err != nil {
			t.Fatal(err)
		}
		if st.FiscalYear != w.fy || st.Received != 1 || st.Referrals != 2 || st.Concluded != 2 || st.Satisfaction.Answers != 1 || st.Satisfaction.Average != 4 {
			t.Errorf("statistics = %+v", st)
		}
		counts := map[string]int{}
		for _, b := range st.Breakdowns {
			for _, r := range b.Rows {
				counts[b.Key+"/"+r.Code] = r.Count
			}
		}
		for key, want := range map[string]int{"category/forced_labour": 1, "category/human_trafficking": 0, "category/wages_benefits": 1,
			"country/VN": 1, "language/vi": 1, "member/0": 1, "member/" + strconv.FormatInt(w.memberID, 10): 1, "outcome/resolved": 2, "stage/closed": 1} {
			if got, ok := counts[key]; !ok || got != want {
				t.Errorf("%s = %d (listed %v), want %d", key, got, ok, want)
			}
		}
		if got := c.Get("/api/v1/public/statistics?fiscal_year=abc"); got.Status != http.StatusBadRequest {
			t.Errorf("a bad year: %d", got.Status)
		}
		if got := c.Get("/api/v1/public/statistics?fiscal_year=" + strconv.Itoa(w.fy+1)); got.Status != http.StatusBadRequest {
			t.Errorf("a future year: %d", got.Status)
		}
		if got := c.Get("/statistics?fiscal_year=1800"); got.Status != http.StatusNotFound {
			t.Errorf("a page for 1800: %d", got.Status)
		}
		req, _ := http.NewRequest("GET", w.site.URL("/api/v1/public/statistics"), nil)
		req.Header.Set("Accept", "text/csv")
		if got := c.Send(req); !strings.HasPrefix(got.Header.Get("Content-Type"), "text/csv") || !strings.Contains(got.Body, "category,human_trafficking,") {
			t.Errorf("Accept: text/csv gave %s %q", got.Header.Get("Content-Type"), got.Body[:min(200, len(got.Body))])
		}
		page := c.Get("/statistics")
		for _, want := range []string{`<svg`, `role="img"`, `<title id=`, `<desc id=`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the statistics page lacks %s", want)
			}
		}
	})
}

func TestAnnualReportShowsLessonsAndRecordsPanelOpinions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		panel := w.site.SignIn(w.site.User(grievance.RolePanel, 0))
		page := panel.Get("/reports/annual")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "MARKER-lessons-q7Zx") || strings.Contains(page.Body, "MARKER-description") {
			t.Fatalf("annual report: %d, lessons shown %v", page.Status, strings.Contains(page.Body, "MARKER-lessons-q7Zx"))
		}
		for _, criterion := range []string{"legitimate", "accessible", "predictable", "equitable", "transparent", "rights_compatible", "learning", "dialogue"} {
			if strings.Contains(page.Body, "report.criterion."+criterion) {
				t.Errorf("criterion %s is untranslated", criterion)
			}
		}
		// The one rating is 4: (a) legitimate is 100% (1 of 1).
		if !strings.Contains(page.Body, "100% (1 of 1)") {
			t.Errorf("legitimacy indicator missing")
		}
		typed := strings.Repeat("x", store.MaxOpinionRunes+1)
		refused := panel.Post("/reports/annual/opinions", url.Values{"body": {typed}, "fiscal_year": {strconv.Itoa(w.fy)}})
		if refused.Status != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, typed) {
			t.Fatalf("a too-long opinion: %d, text kept %v", refused.Status, strings.Contains(refused.Body, typed))
		}
		saved := panel.Post("/reports/annual/opinions", url.Values{"body": {"The panel asks for <more> outreach."}, "fiscal_year": {strconv.Itoa(w.fy)}})
		if saved.Status != http.StatusSeeOther {
			t.Fatalf("an opinion: %d", saved.Status)
		}
		handler := w.site.SignIn(w.site.User(grievance.RoleHandler, 0))
		if page := handler.Get("/reports/annual"); !strings.Contains(page.Body, "The panel asks for &lt;more&gt; outreach.") {
			t.Error("the opinion is not in the report")
		}
	})
}

func TestDisclosureIsTheMembersOwnWithExplicitZeros(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		other := w.site.Member("Fujimi Foods", "富士見フーズ")
		member := w.site.SignIn(w.site.User(grievance.RoleMember, w.memberID))
		got := member.Get("/reports/disclosure?format=csv&member=" + strconv.FormatInt(other, 10))
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(got.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		cells := map[string]string{}
		for _, r := range rows {
			cells[r[0]+"/"+r[1]] = r[3]
			if r[0] == "member" {
				cells["member"] = r[1] + r[2] + r[3]
			}
		}
		if !strings.Contains(cells["member"], "Sakura") {
			t.Errorf("a member asked for another company's report and got %q", cells["member"])
		}
		byCategory := ""
		for _, r := range rows {
			if r[1] == "forced_labour" {
				byCategory = r[0]
			}
		}
		for code, want := range map[string]string{"forced_labour": "1", "human_trafficking": "0", "child_labour": "0"} {
			if cells[byCategory+"/"+code] != want {
				t.Errorf("%s = %q, want %q (rows %v)", code, cells[byCategory+"/"+code], want, rows)
			}
		}
		x := member.Get("/reports/disclosure?format=xlsx")
		if x.Status != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
			t.Errorf("xlsx: %d %q", x.Status, x.Header.Get("Content-Type"))
		}
		for _, d := range []string{"xlsx", "csv"} { // a member's own figures: no cache may keep them
			if got := member.Get("/reports/disclosure?format=" + d); got.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s disclosure: Cache-Control %q, want no-store", d, got.Header.Get("Cache-Control"))
			}
		}
	})
}
