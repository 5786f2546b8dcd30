package server_test

// Issue 4's acceptance test: one case's whole life in a real browser (headless Chromium through
// internal/browsertest), every step done by a person on the pages, each person in a tab of their
// own (their own cookies): a reporter, a handler of the secretariat, a contact at each of two
// member companies, and an expert. The store is used only to set up the people and the members
// and to check the results at the end. Every page visited is saved as a PNG under
// test-artifacts/browser/. It skips when Chromium is missing, unless REMEDY_TEST_BROWSER is set
// (CI), when it fails instead.

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/remedy-grievance/remedy/internal/browsertest"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// What the people type. Each company's narrative carries words the other company must never see.
const (
	reporterLang     = "vi"
	reporterName     = "Nguyễn Thị Lan"
	reporterContact  = "+84 90 123 4567"
	reportNarrative  = "Tôi làm việc tại xưởng may ở Hải Phòng, may quần áo cho thương hiệu Hanami Basics. Công ty giữ hộ chiếu của chúng tôi và trả lương muộn ba tháng. Căng tin của Fujimi Foods bán đồ ăn hỏng cho công nhân."
	question         = "Xưởng may có bao nhiêu công nhân bị giữ hộ chiếu? Bạn có thể cho biết tên xưởng không?"
	answer           = "Khoảng 40 công nhân. Xưởng tên là Hoa Sen Garment, khu công nghiệp Đình Vũ."
	narrativeA       = "Workers at the Hoa Sen Garment workshop in Hai Phong, which makes Hanami Basics clothing, say about 40 passports are held by the employer and wages are three months late."
	narrativeB       = "Workers at a site in Hai Phong say the staff canteen run by Fujimi Foods sells spoiled food."
	assessmentA      = "Hoa Sen Garment is a tier 1 supplier of Hanami Basics. We take the allegations seriously and have asked for the payroll."
	assessmentB      = "Fujimi Foods runs no canteen at that site; our catering contract there ended in 2024."
	toCompanyA       = "Please send us the payroll records for the last three months."
	fromCompanyA     = "We have asked the supplier to return every passport by Friday."
	toReporter       = "Sakura Apparel đồng ý trao đổi với bạn. Tuần sau bạn có thể gặp ở Hải Phòng không?"
	remedyPlan       = "The supplier returns every passport within 7 days, pays the late wages with interest, and apologises in writing."
	monitoringByA    = "All 40 passports returned on site; the late wages were paid on the 15th."
	monitoringByDesk = "Two workers confirmed by phone that they have their passports back."
	finding          = "Site visit: the canteen is run by a local contractor, not Fujimi Foods; no contract since 2024."
	lessons          = "Ask early who runs on-site services: the canteen was not the member's."
	satisfaction     = "Cảm ơn. Chúng tôi đã nhận lại hộ chiếu."
)

// The outcomes this case ends with (the domain names only "withdrawn" as a constant).
const (
	outcomeResolved         grievance.Outcome = "resolved"
	outcomeNotSubstantiated grievance.Outcome = "not_substantiated"
)

var (
	caseURLPattern = regexp.MustCompile(`/desk/cases/(\d+)`)
	referencePat   = regexp.MustCompile(`R-\d{4}-\d{5,}`)
	receiptPattern = regexp.MustCompile(`^(\d{3}) (\d{3}) (\d{3}) (\d{3}) (\d{3}) (\d{3}) (\d{3})$`)
)

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// choose clicks the label of a radio button or checkbox inside scope, as a person taps it.
func choose(scope, name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(css(fmt.Sprintf(`%s label.choice:has(> input[name=%q][value=%q])`, scope, name, value)))
}

// retype empties a field and types text into it, as a person selecting what is there and typing.
// (chromedp.SetValue cannot set an empty value: the empty argument arrives as undefined.)
func retype(sel, text string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(css(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })()`, sel)),
		chromedp.SendKeys(css(sel), text),
	}
}

func textOf(tab *browsertest.Tab, sel string) string {
	return strings.Join(strings.Fields(browsertest.Get(tab, chromedp.Text(css(sel)))), " ")
}

func pageText(tab *browsertest.Tab) string {
	return browsertest.Get(tab, chromedp.Evaluate[string](`document.body.innerText`))
}

func present(tab *browsertest.Tab, sel string) bool {
	return browsertest.Get(tab, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, sel)))
}

func isChecked(tab *browsertest.Tab, sel string) bool {
	return browsertest.Get(tab, chromedp.JavascriptAttribute[bool](css(sel), "checked"))
}

// problems is what the page says went wrong, for a failure message.
func problems(tab *browsertest.Tab) string {
	return browsertest.Get(tab, chromedp.Evaluate[string](
		`[...document.querySelectorAll(".error-summary, .error")].map(e => e.innerText.trim()).join(" | ")`))
}

// send clicks the submit button of form (a CSS selector) and expects the page it leads to to
// answer status.
func send(t *testing.T, tab *browsertest.Tab, name, form string, status int) *browsertest.Page {
	t.Helper()
	p := tab.Follow(name, chromedp.Click(css(form+` button[type=submit]`)))
	if p.Status != int64(status) {
		t.Fatalf("%s: HTTP %d at %s, want %d; the page says: %s", name, p.Status, p.URL, status, problems(tab))
	}
	return p
}

func wantText(t *testing.T, tab *browsertest.Tab, sel, want string) {
	t.Helper()
	if got := textOf(tab, sel); !strings.Contains(got, want) {
		t.Errorf("%s shows %q, want it to contain %q", sel, got, want)
	}
}

// signIn signs a staff user in on the sign-in page and answers the page it leads to.
func signIn(t *testing.T, tab *browsertest.Tab, u store.User) *browsertest.Page {
	t.Helper()
	tab.Open("staff-login", "/staff/login")
	tab.Do(chromedp.SendKeys(css("#f-email"), u.Email), chromedp.SendKeys(css("#f-password"), stafftest.Password))
	return send(t, tab, "staff-signed-in-"+string(u.Role), `form[action="/staff/login"]`, http.StatusOK)
}

// signInEnrolled signs in a user whose role needs a second factor they have not set up yet (member
// companies' contacts and experts need one by default), enrols one, and answers the page the
// enrolment's "continue" leads to: their home.
func signInEnrolled(t *testing.T, tab *browsertest.Tab, u store.User) *browsertest.Page {
	t.Helper()
	p := signIn(t, tab, u)
	if !strings.HasSuffix(p.URL, "/staff/enrol") {
		t.Fatalf("a %s without a second factor was sent to %s, not to enrol", u.Role, p.URL)
	}
	secret := strings.ReplaceAll(textOf(tab, "code.totp-secret"), " ", "")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("the secret shown (%q) makes no code: %v", secret, err)
	}
	tab.Do(chromedp.SendKeys(css("#f-code"), code))
	send(t, tab, "staff-enrolled-"+string(u.Role), `form[action="/staff/enrol"]`, http.StatusOK)
	return tab.Follow("staff-home-"+string(u.Role), chromedp.Click(css(`main a.button[href="/staff"]`)))
}

// referralIDs maps each referral section of a case page (desk or expert) to its id, by the
// company named in its heading.
func referralIDs(t *testing.T, tab *browsertest.Tab, heading string) map[string]int64 {
	t.Helper()
	raw := browsertest.Get(tab, chromedp.Evaluate[map[string]string](fmt.Sprintf(
		`Object.fromEntries([...document.querySelectorAll("section.referral")].map(s => [s.querySelector(%q).textContent.trim(), s.id.replace("referral-", "")]))`, heading)))
	out := map[string]int64{}
	for name, id := range raw {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatalf("referral section %q has id %q", name, id)
		}
		out[name] = n
	}
	return out
}

// TestBrowserLifecycle files a named report about two member companies and takes it to its end:
// screened (with a question to the reporter), referred to both; Sakura Apparel responds, enters
// dialogue, agrees a remedy that is monitored and concludes resolved; Fujimi Foods is
// investigated by an expert and concludes not substantiated; the handler closes the case and the
// reporter, who followed it with the receipt at each step, says how satisfied they are.
func TestBrowserLifecycle(t *testing.T) {
	b := browsertest.Start(t)
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	site := stafftest.New(t, s)
	origin := site.Server.URL
	if !strings.HasPrefix(origin, "http://127.0.0.1:") {
		t.Fatalf("the test server is not on loopback: %s", origin)
	}
	ctx := context.Background()
	started := time.Now()

	// The people, set up through the store.
	sakura := site.Member("Sakura Apparel", "さくらアパレル", store.MemberAlias{Kind: "brand", Name: "Hanami Basics"})
	fujimi := site.Member("Fujimi Foods", "富士見フーズ")
	handler := site.User(grievance.RoleHandler, 0)
	contactA := site.User(grievance.RoleMember, sakura)
	contactB := site.User(grievance.RoleMember, fujimi)
	expert := site.User(grievance.RoleExpert, 0)

	desktop := browsertest.Options{AcceptLanguage: "en", Width: 1280, Height: 900}
	reporterTab := b.NewTab(t, origin, browsertest.Options{AcceptLanguage: reporterLang})
	handlerTab := b.NewTab(t, origin, desktop)
	tabA := b.NewTab(t, origin, desktop)
	tabB := b.NewTab(t, origin, browsertest.Options{AcceptLanguage: "en"}) // a contact on a phone
	expertTab := b.NewTab(t, origin, desktop)

	var (
		receipt, reference string
		caseID             int64
		refA, refB         int64 // the referrals to Sakura Apparel and to Fujimi Foods
	)
	step := func(name string, fn func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, fn) {
			t.FailNow() // each step builds on the one before
		}
	}
	caseURL := func() string { return fmt.Sprintf("/desk/cases/%d", caseID) }
	referralForm := func(rid int64, to grievance.ReferralStage) string {
		return fmt.Sprintf(`form[action="/desk/cases/%d/referrals/%d/stage"][data-referral-move=%q]`, caseID, rid, to)
	}
	deskReferralStage := func(t *testing.T, tab *browsertest.Tab, rid int64) string {
		t.Helper()
		return textOf(tab, fmt.Sprintf("#referral-%d dl.fields dd", rid))
	}
	// followUp logs the reporter in with the receipt, as someone coming back another day, and
	// checks the stage the case page tells them; check then looks at the page; they log out.
	followUp := func(t *testing.T, name string, stage grievance.CaseStage, check func(tab *browsertest.Tab)) {
		t.Helper()
		tab := reporterTab.For(t)
		tab.Open("follow-up-login", "/follow-up")
		tab.Do(chromedp.SendKeys(css("#f-receipt"), receipt[:4]+" "+receipt[4:8]+" "+receipt[8:12]+" "+receipt[12:]))
		p := send(t, tab, "follow-up-"+name, `form[action="/follow-up"]`, http.StatusOK)
		if !strings.HasSuffix(p.URL, "/follow-up/case") {
			t.Fatalf("logging in with the receipt led to %s", p.URL)
		}
		if p.Lang != reporterLang {
			t.Errorf("the reporter's case page is in %q", p.Lang)
		}
		if got, want := textOf(tab, "section.stage h2"), locale.T(reporterLang, "stage."+string(stage)+".title"); got != want {
			t.Errorf("the reporter is told %q, want %q (%s)", got, want, stage)
		}
		if check != nil {
			check(tab)
		}
		tab.Follow("follow-up-logged-out", chromedp.Click(css(`form[action="/follow-up/logout"] button`)))
	}

	step("ReporterFilesNamedReport", func(t *testing.T) {
		tab := reporterTab.For(t)
		if p := tab.Open("report", "/report"); p.Lang != reporterLang {
			t.Fatalf("with Accept-Language: %s the form is in %q", reporterLang, p.Lang)
		}
		tab.Do(
			choose("form", "reporter_type", "affected_person"),
			choose("form", "anonymous", "no"),
			chromedp.SendKeys(css("#f-identity_name"), reporterName), // shown once "no" is chosen
			chromedp.SendKeys(css("#f-identity_contact"), reporterContact),
			chromedp.Click(css(`label.choice:has(> input[name=consent_share_identity])`)),
			chromedp.SendKeys(css("#f-company-0-name"), "Sakura Apparel"),
			chromedp.SetValue(css("#f-company-0-relation"), "supplier"), // the second company's link is left as the form offers it
			chromedp.SendKeys(css("#f-company-1-name"), "Fujimi Foods"),
			chromedp.SetValue(css("#f-country"), "VN"),
			chromedp.SendKeys(css("#f-site"), "Hải Phòng"),
			choose("form", "categories", "forced_labour"),
			choose("form", "categories", "wages_benefits"),
			choose("form", "categories", "occupational_safety_health"),
			chromedp.SendKeys(css("#f-description"), reportNarrative),
		)
		if !isChecked(tab, `input[name=consent_share_identity]`) {
			t.Fatal("the consent box did not take the tap")
		}
		tab.Screenshot(reporterLang + "-report-filled")
		send(t, tab, "receipt", `form[action="/report"]`, http.StatusOK)
		m := receiptPattern.FindStringSubmatch(textOf(tab, ".receipt-number"))
		if m == nil {
			t.Fatalf("the receipt page shows %q", textOf(tab, ".receipt-number"))
		}
		receipt = strings.Join(m[1:], "")
		if reference = referencePat.FindString(textOf(tab, "p.lead")); reference == "" {
			t.Fatalf("the receipt page names no reference: %q", textOf(tab, "p.lead"))
		}
	})

	step("ReporterFollowsUpReceived", func(t *testing.T) {
		followUp(t, "received", grievance.CaseReceived, func(tab *browsertest.Tab) {
			if !strings.Contains(textOf(tab, "h1"), reference) {
				t.Errorf("the case page's heading %q does not name %s", textOf(tab, "h1"), reference)
			}
		})
	})

	step("HandlerSignsInAndEnrolsTOTP", func(t *testing.T) {
		tab := handlerTab.For(t)
		p := signIn(t, tab, handler)
		if !strings.HasSuffix(p.URL, "/staff/enrol") {
			t.Fatalf("a handler without a second factor was sent to %s, not to enrol", p.URL)
		}
		if p := tab.Open("desk-before-enrolling", "/desk"); !strings.HasSuffix(p.URL, "/staff/enrol") {
			t.Fatalf("the inbox opened (%s) before the second factor was enrolled", p.URL)
		}
		secret := strings.ReplaceAll(textOf(tab, "code.totp-secret"), " ", "")
		code, err := totp.GenerateCode(secret, time.Now())
		if err != nil {
			t.Fatalf("the secret shown (%q) makes no code: %v", secret, err)
		}
		tab.Do(chromedp.SendKeys(css("#f-code"), code))
		send(t, tab, "staff-enrolled", `form[action="/staff/enrol"]`, http.StatusOK)
		if n := browsertest.Get(tab, chromedp.Evaluate[int](`document.querySelectorAll("ul.recovery-codes li").length`)); n == 0 {
			t.Fatal("enrolment shows no recovery codes")
		}
		p = tab.Follow("desk-inbox", chromedp.Click(css(`main a.button[href="/staff"]`)))
		if !strings.HasSuffix(p.URL, "/desk") {
			t.Fatalf("after enrolling the handler landed on %s", p.URL)
		}
	})

	step("HandlerAcknowledgesScreensAndAsks", func(t *testing.T) {
		tab := handlerTab.For(t)
		// A report due in more than a week that nobody wrote on needs no attention yet; it is
		// new to a handler who never opened it.
		tab.Open("desk-attention", "/desk?view=attention")
		tab.Open("desk-inbox-new", "/desk")
		if n := browsertest.Get(tab, chromedp.Evaluate[int](`document.querySelectorAll("table.inbox .badge-new").length`)); n != 1 {
			t.Errorf("the inbox marks %d cases new, want the one report", n)
		}
		p := tab.Follow("desk-case", chromedp.Click(chromedp.Search(fmt.Sprintf(`//table[contains(@class,"inbox")]//a[normalize-space()=%q]`, reference))))
		m := caseURLPattern.FindStringSubmatch(p.URL)
		if m == nil {
			t.Fatalf("the inbox link led to %s", p.URL)
		}
		caseID, _ = strconv.ParseInt(m[1], 10, 64)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.received"))
		if !strings.Contains(textOf(tab, "#report .narrative"), "Hanami Basics") {
			t.Errorf("the case page does not show the narrative: %q", textOf(tab, "#report .narrative"))
		}

		tab.Do(chromedp.SetValue(css("#f-handler"), strconv.FormatInt(handler.ID, 10))) // the handler takes the case
		send(t, tab, "desk-case-assigned", "#form-handler", http.StatusOK)
		wantText(t, tab, "#stage dl.fields", handler.DisplayName)

		send(t, tab, "desk-case-acknowledged", `form[data-move="acknowledged"]`, http.StatusOK)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.acknowledged"))
		send(t, tab, "desk-case-screening", `form[data-move="screening"]`, http.StatusOK)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.screening"))

		tab.Follow("desk-screening", chromedp.Click(css(fmt.Sprintf(`a.button[href="%s/screening"]`, caseURL()))))
		tab.Do(chromedp.SendKeys(css("#f-question"), question))
		send(t, tab, "desk-case-question-asked", fmt.Sprintf(`form[action="%s/screening/question"]`, caseURL()), http.StatusOK)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.awaiting_information"))
	})

	step("ReporterAnswersQuestion", func(t *testing.T) {
		followUp(t, "question", grievance.CaseAwaitingInformation, func(tab *browsertest.Tab) {
			if !strings.Contains(textOf(tab, "ol.messages"), question) {
				t.Fatalf("the reporter does not see the question: %q", textOf(tab, "ol.messages"))
			}
			tab.Do(chromedp.SendKeys(css("#f-body"), answer))
			send(t, tab, "follow-up-answered", `form[action="/follow-up/messages"]`, http.StatusOK)
			if got, want := textOf(tab, "section.stage h2"), locale.T(reporterLang, "stage.screening.title"); got != want {
				t.Errorf("after answering the reporter is told %q, want %q", got, want)
			}
			if !strings.Contains(textOf(tab, "ol.messages"), answer) {
				t.Error("the answer is not in the reporter's messages")
			}
		})
	})

	step("HandlerAcceptsAndRefersToBoth", func(t *testing.T) {
		tab := handlerTab.For(t)
		tab.Open("desk-case-answered", caseURL())
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.screening"))
		if !strings.Contains(textOf(tab, "#thread-reporter"), answer) {
			t.Error("the handler does not see the reporter's answer")
		}
		tab.Follow("desk-screening-answered", chromedp.Click(css(fmt.Sprintf(`a.button[href="%s/screening"]`, caseURL()))))
		slots := browsertest.Get(tab, chromedp.Evaluate[map[string]string](
			`Object.fromEntries([...document.querySelectorAll("#accept fieldset.company")].map(f => [f.querySelector("legend").textContent.trim(), f.id.replace("company-", "")]))`))
		slotA, slotB := slots["Sakura Apparel"], slots["Fujimi Foods"]
		if slotA == "" || slotB == "" || len(slots) != 2 {
			t.Fatalf("the screening page offers %v, want Sakura Apparel and Fujimi Foods", slots)
		}
		for _, slot := range []string{slotA, slotB} { // both named members are ticked already
			if !isChecked(tab, fmt.Sprintf(`input[name=refer][value=%q]`, slot)) {
				t.Errorf("company %s is not offered for referral by default", slot)
			}
		}
		tab.Do(retype("#narrative-"+slotA, narrativeA)...)
		tab.Do(retype("#narrative-"+slotB, narrativeB)...)
		tab.Do(choose("#company-"+slotA, "identity_"+slotA, "yes")) // the reporter consented; only Sakura needs it
		tab.Screenshot("en-desk-screening-filled")
		p := tab.Follow("desk-case-accepted", chromedp.Click(css(`#accept button[name=op][value=accept]`)))
		if p.Status != http.StatusOK {
			t.Fatalf("accepting answered %d: %s", p.Status, problems(tab))
		}
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.accepted"))
		ids := referralIDs(t, tab, "h3")
		refA, refB = ids["Sakura Apparel"], ids["Fujimi Foods"]
		if refA == 0 || refB == 0 || len(ids) != 2 {
			t.Fatalf("the case page lists referrals %v", ids)
		}
		for rid, want := range map[int64]string{refA: narrativeA, refB: narrativeB} {
			if got := textOf(tab, fmt.Sprintf("#referral-%d div.body", rid)); got != want {
				t.Errorf("referral %d shares %q, typed %q", rid, got, want)
			}
			if got := deskReferralStage(t, tab, rid); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.forwarded")) {
				t.Errorf("referral %d is %q", rid, got)
			}
		}
		wantText(t, tab, fmt.Sprintf("#referral-%d dl.fields", refA), locale.T("en", "desk.referral.identity_shared"))
		wantText(t, tab, fmt.Sprintf("#referral-%d dl.fields", refB), locale.T("en", "desk.referral.identity_not_shared"))
	})

	step("ReporterSeesAccepted", func(t *testing.T) {
		followUp(t, "accepted", grievance.CaseAccepted, nil)
	})

	// memberOpens signs a contact in, opens their company's only referral from their list and
	// answers its id.
	memberOpens := func(t *testing.T, tab *browsertest.Tab, u store.User, want int64) {
		t.Helper()
		p := signInEnrolled(t, tab, u)
		if !strings.HasSuffix(p.URL, "/member") {
			t.Fatalf("a member contact landed on %s", p.URL)
		}
		hrefs := browsertest.Get(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.inbox th a")].map(a => a.getAttribute("href"))`))
		if len(hrefs) != 1 || hrefs[0] != fmt.Sprintf("/member/referrals/%d", want) {
			t.Fatalf("the contact's list links to %v, want only referral %d", hrefs, want)
		}
		tab.Follow("member-referral", chromedp.Click(css(`table.inbox th a`)))
		wantText(t, tab, "h1", reference)
	}
	memberForm := func(rid int64, to grievance.ReferralStage) string {
		return fmt.Sprintf(`form[action="/member/referrals/%d/stage"]:has(input[name=to][value=%q])`, rid, to)
	}
	memberStage := func(tab *browsertest.Tab) string { return textOf(tab, "#summary dl.stages dd") }
	// neverSeesA checks that Fujimi Foods' page shows nothing of what was shared or said with
	// Sakura Apparel, nor the reporter's identity, which was not shared with it.
	neverSeesA := func(t *testing.T, tab *browsertest.Tab) {
		t.Helper()
		text := pageText(tab)
		for _, secret := range []string{narrativeA, assessmentA, toCompanyA, fromCompanyA, remedyPlan, monitoringByA, monitoringByDesk,
			"Hanami", "Hoa Sen", "passport", "hộ chiếu", reporterName, reporterContact} {
			if strings.Contains(text, secret) {
				t.Errorf("Fujimi Foods' page shows %q", secret)
			}
		}
		if present(tab, "#identity") {
			t.Error("Fujimi Foods' page offers the reporter's identity, which was not shared with it")
		}
	}

	step("SakuraRespondsAndSeesIdentity", func(t *testing.T) {
		tab := tabA.For(t)
		memberOpens(t, tab, contactA, refA)
		if got := textOf(tab, "#narrative p.body"); got != narrativeA {
			t.Errorf("Sakura Apparel reads %q, want the narrative shared with it", got)
		}
		wantText(t, tab, "#summary", locale.T("en", "code.relation.supplier"))
		if strings.Contains(pageText(tab), "Fujimi") || strings.Contains(pageText(tab), "canteen") {
			t.Error("Sakura Apparel's page shows what was shared with Fujimi Foods")
		}
		if strings.Contains(pageText(tab), reporterName) {
			t.Error("the identity shows before the contact asked for it")
		}
		send(t, tab, "member-identity-shown", fmt.Sprintf(`form[action="/member/referrals/%d/identity"]`, refA), http.StatusOK)
		wantText(t, tab, "#identity", reporterName)
		wantText(t, tab, "#identity", reporterContact)

		tab.Do(chromedp.SendKeys(css("#f-reason-responded"), assessmentA))
		send(t, tab, "member-responded", memberForm(refA, grievance.ReferralResponded), http.StatusOK)
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.responded")) {
			t.Errorf("after the assessment the referral is %q", got)
		}
		if present(tab, memberForm(refA, grievance.ReferralDialogue)) {
			t.Error("the company is offered a move to dialogue, which only the secretariat may make")
		}
	})

	step("FujimiResponds", func(t *testing.T) {
		tab := tabB.For(t)
		memberOpens(t, tab, contactB, refB)
		if got := textOf(tab, "#narrative p.body"); got != narrativeB {
			t.Errorf("Fujimi Foods reads %q, want the narrative shared with it", got)
		}
		neverSeesA(t, tab)
		if p := tab.Open("member-other-referral", fmt.Sprintf("/member/referrals/%d", refA)); p.Status != http.StatusNotFound {
			t.Errorf("Fujimi Foods opening Sakura Apparel's referral got %d, want 404", p.Status)
		}
		neverSeesA(t, tab)
		tab.Open("member-referral", fmt.Sprintf("/member/referrals/%d", refB))
		tab.Do(chromedp.SendKeys(css("#f-reason-responded"), assessmentB))
		send(t, tab, "member-responded", memberForm(refB, grievance.ReferralResponded), http.StatusOK)
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.responded")) {
			t.Errorf("after the assessment the referral is %q", got)
		}
		neverSeesA(t, tab)
	})

	step("HandlerOpensDialogueAndInvestigation", func(t *testing.T) {
		tab := handlerTab.For(t)
		tab.Open("desk-case-responded", caseURL())
		if !strings.Contains(textOf(tab, fmt.Sprintf("#referral-%d table.history", refA)), assessmentA) {
			t.Error("the handler does not see Sakura Apparel's assessment")
		}
		send(t, tab, "desk-referral-dialogue", referralForm(refA, grievance.ReferralDialogue), http.StatusOK)
		if got := deskReferralStage(t, tab, refA); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.dialogue")) {
			t.Errorf("Sakura Apparel's referral is %q", got)
		}
		companyThread := fmt.Sprintf(`form[action="%s/messages"]:has(input[name=thread][value=company]):has(input[name=referral][value="%d"])`, caseURL(), refA)
		tab.Do(chromedp.SendKeys(css(companyThread+` textarea[name=body]`), toCompanyA))
		send(t, tab, "desk-message-to-company", companyThread, http.StatusOK)
		reporterThread := fmt.Sprintf(`form[action="%s/messages"]:has(input[name=thread][value=reporter])`, caseURL())
		tab.Do(chromedp.SendKeys(css(reporterThread+` textarea[name=body]`), toReporter))
		send(t, tab, "desk-message-to-reporter", reporterThread, http.StatusOK)

		send(t, tab, "desk-referral-investigation", referralForm(refB, grievance.ReferralInvestigation), http.StatusOK)
		if got := deskReferralStage(t, tab, refB); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.investigation")) {
			t.Errorf("Fujimi Foods' referral is %q", got)
		}
		tab.Do(chromedp.SetValue(css("#f-expert"), strconv.FormatInt(expert.ID, 10)))
		send(t, tab, "desk-expert-assigned", "#form-expert", http.StatusOK)
		wantText(t, tab, "#people table.desk-table", expert.DisplayName)
		wantText(t, tab, "#people table.desk-table", locale.T("en", "desk.expert.pending"))
	})

	step("ReporterFollowsDialogue", func(t *testing.T) {
		// The case stays accepted while its referrals move; the reporter hears of the dialogue
		// through the secretariat's message.
		followUp(t, "dialogue", grievance.CaseAccepted, func(tab *browsertest.Tab) {
			if !strings.Contains(textOf(tab, "ol.messages"), toReporter) {
				t.Errorf("the reporter does not see the secretariat's message: %q", textOf(tab, "ol.messages"))
			}
		})
	})

	step("SakuraAgreesRemedyAndImplements", func(t *testing.T) {
		tab := tabA.For(t)
		tab.Open("member-referral-dialogue", fmt.Sprintf("/member/referrals/%d", refA))
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.dialogue")) {
			t.Errorf("Sakura Apparel sees its referral as %q", got)
		}
		wantText(t, tab, "#thread", toCompanyA)
		tab.Do(chromedp.SendKeys(css("#f-body"), fromCompanyA))
		send(t, tab, "member-message-sent", fmt.Sprintf(`form[action="/member/referrals/%d/messages"]`, refA), http.StatusOK)
		wantText(t, tab, "#thread", fromCompanyA)

		agree := memberForm(refA, grievance.ReferralRemedyAgreed)
		tab.Do(
			choose(agree, "remedy_types", "apology"),
			choose(agree, "remedy_types", "financial_compensation"),
			chromedp.SendKeys(css("#f-reason-remedy_agreed"), remedyPlan),
		)
		send(t, tab, "member-remedy-agreed", agree, http.StatusOK)
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.remedy_agreed")) {
			t.Errorf("after agreeing the remedy the referral is %q", got)
		}
		wantText(t, tab, "#summary", locale.T("en", "code.remedy.financial_compensation"))
		send(t, tab, "member-monitoring", memberForm(refA, grievance.ReferralMonitoring), http.StatusOK)
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.monitoring")) {
			t.Errorf("after starting implementation the referral is %q", got)
		}
		tab.Do(chromedp.SendKeys(css("#f-note"), monitoringByA))
		send(t, tab, "member-monitoring-update", fmt.Sprintf(`form[action="/member/referrals/%d/monitoring"]`, refA), http.StatusOK)
		wantText(t, tab, "#monitoring ol.messages", monitoringByA)
		if present(tab, memberForm(refA, grievance.ReferralConcluded)) {
			t.Error("the company is offered to conclude its own referral")
		}
	})

	step("HandlerChecksMonitoringAndConcludesResolved", func(t *testing.T) {
		tab := handlerTab.For(t)
		tab.Open("desk-case-monitoring", caseURL())
		wantText(t, tab, fmt.Sprintf("#referral-%d", refA), monitoringByA)
		wantText(t, tab, fmt.Sprintf("#thread-company-%d", refA), fromCompanyA)
		monitoring := fmt.Sprintf(`form[action="%s/referrals/%d/monitoring"]`, caseURL(), refA)
		tab.Do(chromedp.SendKeys(css(monitoring+` textarea[name=note]`), monitoringByDesk))
		send(t, tab, "desk-monitoring-check", monitoring, http.StatusOK)
		wantText(t, tab, fmt.Sprintf("#referral-%d", refA), monitoringByDesk)

		conclude := referralForm(refA, grievance.ReferralConcluded)
		tab.Do(chromedp.SetValue(css(conclude+` select[name=outcome]`), string(outcomeResolved)))
		send(t, tab, "desk-referral-resolved", conclude, http.StatusOK)
		if got := deskReferralStage(t, tab, refA); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.concluded")) {
			t.Errorf("Sakura Apparel's referral is %q", got)
		}
		wantText(t, tab, fmt.Sprintf("#referral-%d dl.fields", refA), locale.T("en", "code.outcome.resolved"))

		// Closing while Fujimi Foods' referral is still open is refused, with the lessons kept.
		closing := `form[data-move="closed"]`
		tab.Do(chromedp.SetValue(css(closing+` select[name=outcome]`), string(outcomeResolved)))
		tab.Do(chromedp.SendKeys(css(closing+` textarea[name=lessons]`), lessons))
		send(t, tab, "desk-close-refused", closing, http.StatusUnprocessableEntity)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.accepted"))
		if got := browsertest.Get(tab, chromedp.Value(css(closing+` textarea[name=lessons]`))); got != lessons {
			t.Errorf("after the refusal the lessons field holds %q", got)
		}
	})

	step("ExpertDeclaresInvestigatesAndConcludes", func(t *testing.T) {
		tab := expertTab.For(t)
		p := signInEnrolled(t, tab, expert)
		if !strings.HasSuffix(p.URL, "/expert") {
			t.Fatalf("the expert landed on %s", p.URL)
		}
		hrefs := browsertest.Get(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.inbox a")].map(a => a.getAttribute("href"))`))
		declaration := fmt.Sprintf("/expert/cases/%d/declaration", caseID)
		if len(hrefs) == 0 || slices.ContainsFunc(hrefs, func(h string) bool { return h != declaration }) {
			t.Errorf("before declaring, the expert's list links to %v, want only %s", hrefs, declaration)
		}
		// The case itself is out of reach until the declaration is made.
		p = tab.Open("expert-case-before-declaring", fmt.Sprintf("/expert/cases/%d", caseID))
		if !strings.HasSuffix(p.URL, declaration) {
			t.Fatalf("the case opened (%s) before the declaration", p.URL)
		}
		if text := pageText(tab); strings.Contains(text, "canteen") || strings.Contains(text, "Hanami") {
			t.Error("the declaration page shows the case before the declaration")
		}
		noConflict := fmt.Sprintf(`form[action=%q]:has(input[name=decision][value=no_conflict])`, declaration)
		send(t, tab, "expert-declaration-unticked", noConflict, http.StatusUnprocessableEntity)
		tab.Do(choose(noConflict, "no_conflict", "1"))
		p = send(t, tab, "expert-case", noConflict, http.StatusOK)
		if !strings.HasSuffix(p.URL, fmt.Sprintf("/expert/cases/%d", caseID)) {
			t.Fatalf("after declaring the expert is at %s", p.URL)
		}
		wantText(t, tab, fmt.Sprintf("#referral-%d h2", refB), locale.T("en", "code.referral_stage.investigation"))

		findings := fmt.Sprintf(`form[action="/expert/cases/%d/findings"]:has(input[name=referral][value="%d"])`, caseID, refB)
		tab.Do(chromedp.SendKeys(css(fmt.Sprintf("#f-finding-%d", refB)), finding))
		send(t, tab, "expert-finding", findings, http.StatusOK)
		wantText(t, tab, fmt.Sprintf("#referral-%d ol.messages", refB), finding)

		conclude := fmt.Sprintf(`form[action="/expert/cases/%d/referrals/%d/stage"]:has(input[name=to][value=concluded])`, caseID, refB)
		tab.Do(chromedp.SetValue(css(conclude+` select[name=outcome]`), string(outcomeNotSubstantiated)))
		send(t, tab, "expert-concluded", conclude, http.StatusOK)
		wantText(t, tab, fmt.Sprintf("#referral-%d h2", refB), locale.T("en", "code.referral_stage.concluded"))
		wantText(t, tab, fmt.Sprintf("#referral-%d", refB), locale.T("en", "code.outcome.not_substantiated"))
	})

	step("FujimiSeesConclusion", func(t *testing.T) {
		tab := tabB.For(t)
		tab.Open("member-referral-concluded", fmt.Sprintf("/member/referrals/%d", refB))
		if got := memberStage(tab); !strings.HasPrefix(got, locale.T("en", "code.referral_stage.concluded")) {
			t.Errorf("Fujimi Foods sees its referral as %q", got)
		}
		wantText(t, tab, "#summary", locale.T("en", "code.outcome.not_substantiated"))
		neverSeesA(t, tab)
	})

	step("ReporterFollowsConclusions", func(t *testing.T) {
		// Both referrals have concluded, but the case is open until the secretariat closes it.
		followUp(t, "concluded", grievance.CaseAccepted, func(tab *browsertest.Tab) {
			if present(tab, "#satisfaction") {
				t.Error("the reporter is asked for satisfaction before the case is closed")
			}
		})
	})

	step("HandlerClosesCase", func(t *testing.T) {
		tab := handlerTab.For(t)
		tab.Open("desk-case-concluded", caseURL())
		wantText(t, tab, "#people", finding)
		closing := `form[data-move="closed"]`
		tab.Do(chromedp.SetValue(css(closing+` select[name=outcome]`), string(outcomeResolved)))
		tab.Do(chromedp.SendKeys(css(closing+` textarea[name=lessons]`), lessons))
		send(t, tab, "desk-case-closed", closing, http.StatusOK)
		wantText(t, tab, "p.lead > strong", locale.T("en", "code.case_stage.closed"))
		wantText(t, tab, "#stage dl.fields", lessons)
		if present(tab, "form.move") {
			t.Error("a closed case still offers moves")
		}
	})

	step("ReporterSeesClosedAndGivesSatisfaction", func(t *testing.T) {
		followUp(t, "closed", grievance.CaseClosed, func(tab *browsertest.Tab) {
			// The conversation never drops (issue 11): a closed case still takes messages, but
			// can no longer be withdrawn.
			if !present(tab, `form[action="/follow-up/messages"]`) || present(tab, `form[action="/follow-up/withdraw"]`) {
				t.Error("a closed case offers no message form, or still offers to withdraw")
			}
			tab.Do(choose("#satisfaction", "rating", "4"), chromedp.SendKeys(css("#f-satisfaction_comment"), satisfaction))
			send(t, tab, "follow-up-satisfaction-given", `form[action="/follow-up/satisfaction"]`, http.StatusOK)
			wantText(t, tab, "p.notice", locale.T(reporterLang, "case.satisfaction_thanks"))
			if !isChecked(tab, `input[name=rating][value="4"]`) {
				t.Error("the rating given is not shown as chosen")
			}
		})
	})

	step("HandlerSeesSatisfaction", func(t *testing.T) {
		tab := handlerTab.For(t)
		tab.Open("desk-case-satisfaction", caseURL())
		wantText(t, tab, "#stage dl.fields", satisfaction)
	})

	step("StoreRecordsTheWholeLife", func(t *testing.T) {
		c, err := s.DeskCase(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != grievance.CaseClosed || c.Outcome != outcomeResolved {
			t.Errorf("case %s, outcome %q", c.Stage, c.Outcome)
		}
		if c.Satisfaction != 4 || c.SatisfactionNote != satisfaction || c.Lessons != lessons {
			t.Errorf("satisfaction %d %q, lessons %q", c.Satisfaction, c.SatisfactionNote, c.Lessons)
		}
		if c.Anonymous || !c.Consent || c.Description != reportNarrative || c.Language != reporterLang {
			t.Errorf("stored report: anonymous %v, consent %v, language %q, narrative %q", c.Anonymous, c.Consent, c.Language, c.Description)
		}
		byID := map[int64]store.DeskReferral{}
		for _, r := range c.Referrals {
			byID[r.ID] = r
		}
		a, bb := byID[refA], byID[refB]
		if len(c.Referrals) != 2 || a.MemberID != sakura || bb.MemberID != fujimi {
			t.Fatalf("referrals %+v", c.Referrals)
		}
		if a.Stage != grievance.ReferralConcluded || a.Outcome != outcomeResolved ||
			!slices.Equal(a.RemedyTypes, []grievance.RemedyType{"apology", "financial_compensation"}) || !a.ShareIdentity || a.SharedNarrative != narrativeA {
			t.Errorf("Sakura Apparel's referral: %s %q %v identity %v narrative %q", a.Stage, a.Outcome, a.RemedyTypes, a.ShareIdentity, a.SharedNarrative)
		}
		if bb.Stage != grievance.ReferralConcluded || bb.Outcome != outcomeNotSubstantiated || bb.ShareIdentity || bb.SharedNarrative != narrativeB {
			t.Errorf("Fujimi Foods' referral: %s %q identity %v narrative %q", bb.Stage, bb.Outcome, bb.ShareIdentity, bb.SharedNarrative)
		}
		var path []string // the case's own stages, in order
		for _, e := range c.History {
			if e.ReferralID == 0 {
				path = append(path, e.To)
			}
		}
		want := []string{"received", "acknowledged", "screening", "awaiting_information", "screening", "accepted", "closed"}
		if !slices.Equal(path, want) {
			t.Errorf("the case went %v, want %v", path, want)
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || v.Break != nil {
			t.Errorf("the audit chain does not verify: %v %+v", err, v.Break)
		}
		entries, err := s.AuditEntries(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		var shows []string
		for _, e := range entries {
			if strings.HasSuffix(e, " identity.show") {
				shows = append(shows, e)
			}
		}
		// Only Sakura Apparel's contact asked to see the identity, once.
		if want := fmt.Sprintf("user:%d identity.show", contactA.ID); len(shows) != 1 || shows[0] != want {
			t.Errorf("identity shown %v, want only %q", shows, want)
		}
	})
	t.Logf("the whole lifecycle took %s in the browser", time.Since(started).Round(time.Millisecond))
}
