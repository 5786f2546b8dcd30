package intake_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// deskHandler creates a secretariat handler to move cases as the desk would.
func deskHandler(t *testing.T, s *store.Store) store.Actor {
	t.Helper()
	id, err := s.CreateUser(context.Background(), store.User{Email: fmt.Sprintf("h%d@example.org", time.Now().UnixNano()), DisplayName: "Handler", Role: grievance.RoleHandler},
		"$argon2id$x", store.Actor{Role: "system"})
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{Role: "handler", UserID: id}
}

// fileAndLogIn files the form's fields, then logs in with the receipt it shows.
func (w *site) fileAndLogIn(fields [][2]string) int64 {
	w.t.Helper()
	resp, page := w.postForm("/report", "vi", fields, nil)
	if resp.StatusCode != 200 {
		w.t.Fatalf("filing: %d\n%s", resp.StatusCode, page)
	}
	receipt := receiptFrom(w.t, page)
	id, err := w.s.CaseIDByReceipt(context.Background(), receipt)
	if err != nil {
		w.t.Fatal(err)
	}
	if resp, _ := w.postURLEncoded("/follow-up", url.Values{"receipt": {receipt}}); resp.StatusCode != 303 {
		w.t.Fatalf("logging in: %d", resp.StatusCode)
	}
	return id
}

// accept screens a case and refers it to its companies with the narratives given, in order.
func accept(t *testing.T, s *store.Store, h store.Actor, caseID int64, narratives ...string) []store.Referral {
	t.Helper()
	ctx := context.Background()
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	companies, err := s.CaseCompanies(ctx, caseID)
	if err != nil || len(companies) < len(narratives) {
		t.Fatalf("companies %+v, %v", companies, err)
	}
	var refs []store.NewReferral
	for i, n := range narratives {
		refs = append(refs, store.NewReferral{CompanyID: companies[i].ID, SharedNarrative: n})
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: grievance.CaseAccepted, Actor: h, Referrals: refs}); err != nil {
		t.Fatal(err)
	}
	out, err := s.Referrals(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func moveReferral(t *testing.T, s *store.Store, h store.Actor, id int64, outcome grievance.Outcome, to ...grievance.ReferralStage) {
	t.Helper()
	for _, st := range to {
		c := store.ReferralStageChange{ReferralID: id, To: st, Actor: h}
		if st == grievance.ReferralConcluded {
			c.Outcome = outcome
		}
		if err := s.ChangeReferralStage(context.Background(), c); err != nil {
			t.Fatalf("referral → %s: %v", st, err)
		}
	}
}

// closeWith takes a filed case through one referral to closing with the outcome given.
func closeWith(t *testing.T, s *store.Store, caseID int64, outcome grievance.Outcome) {
	t.Helper()
	h := deskHandler(t, s)
	refs := accept(t, s, h, caseID, "")
	moveReferral(t, s, h, refs[0].ID, outcome, grievance.ReferralResponded, grievance.ReferralConcluded)
	if err := s.ChangeCaseStage(context.Background(), store.CaseStageChange{CaseID: caseID, To: grievance.CaseClosed, Actor: h, Outcome: outcome}); err != nil {
		t.Fatal(err)
	}
}

var commentBox = regexp.MustCompile(`(?s)<textarea id="f-satisfaction_comment" name="comment"[^>]*>(.*?)</textarea>`)

// shownComment is what the comment box holds when the page opens.
func shownComment(t *testing.T, page string) string {
	t.Helper()
	m := commentBox.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no comment box on the page:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// TestSatisfactionCommentSurvivesReloadAndRatingChange: the comment given with a rating is in
// the box when the page opens again, and sending the form again with only the rating changed
// keeps it, on the page and in the store.
func TestSatisfactionCommentSurvivesReloadAndRatingChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		id := w.fileAndLogIn(validFields())
		closeWith(t, s, id, "resolved")
		const comment = "Họ đã trả lại hộ chiếu <và> tiền.\nCảm ơn."
		// Sent with a browser's CRLF line break; kept with LF.
		if resp, _ := w.postURLEncoded("/follow-up/satisfaction", url.Values{"rating": {"5"}, "comment": {strings.ReplaceAll(comment, "\n", "\r\n")}}); resp.StatusCode != 303 {
			t.Fatalf("answering: %d", resp.StatusCode)
		}
		_, page := w.get("/follow-up/case", "vi")
		if got := shownComment(t, page); got != comment {
			t.Fatalf("after reloading the box holds %q, want %q", got, comment)
		}
		// As a browser does: the form sends back whatever the box holds, here untouched.
		if resp, _ := w.postURLEncoded("/follow-up/satisfaction", url.Values{"rating": {"3"}, "comment": {shownComment(t, page)}}); resp.StatusCode != 303 {
			t.Fatalf("changing the rating: %d", resp.StatusCode)
		}
		_, page = w.get("/follow-up/case?done=thanks", "vi")
		if !strings.Contains(page, `value="3" checked`) || strings.Contains(page, `value="5" checked`) {
			t.Error("the new rating is not the one shown as chosen")
		}
		if got := shownComment(t, page); got != comment {
			t.Errorf("after changing only the rating the box holds %q, want %q", got, comment)
		}
		c, err := s.ReporterCase(context.Background(), id)
		if err != nil || c.Satisfaction != 3 || c.SatisfactionComment != comment {
			t.Fatalf("stored rating %d, comment %q, %v", c.Satisfaction, c.SatisfactionComment, err)
		}
	})
}

// TestClosedCaseShowsItsOutcome: the reporter reads how their case ended, in their language.
func TestClosedCaseShowsItsOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		id := w.fileAndLogIn(validFields())
		_, page := w.get("/follow-up/case", "vi")
		if strings.Contains(page, `id="outcome"`) {
			t.Fatal("an open case shows an outcome")
		}
		closeWith(t, s, id, "not_substantiated")
		for _, lang := range []string{"vi", "en"} {
			_, page = w.get("/follow-up/case", lang)
			want := `<p id="outcome"><strong>` + html.EscapeString(locale.T(lang, "outcome.not_substantiated")) + `</strong></p>`
			if !strings.Contains(page, want) {
				t.Errorf("%s: the closed case's page does not show %q", lang, want)
			}
		}
	})
}

var progressList = regexp.MustCompile(`(?s)<dl class="stages" id="progress">(.*?)</dl>`)

// TestAcceptedCaseShowsEachCompanysProgress: a case referred to several companies shows one line
// per company with its own stage in plain words, each company the reporter named by the name they
// typed — a member found through one of its aliases by the alias, never the member's own name —
// and a company the secretariat added with no name at all; nothing shared with or written by
// the companies.
func TestAcceptedCaseShowsEachCompanysProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, m := range []store.Member{
			{NameEN: "Sakura Apparel", Sector: "apparel"},
			{NameEN: "Kiso Holdings", Sector: "apparel", Aliases: []store.MemberAlias{{Kind: "supplier", Name: "Fujimi Sewing"}}},
			{NameEN: "Gamma Group", Sector: "food"},
		} {
			if _, err := s.CreateMember(ctx, m, store.Actor{Role: "system"}); err != nil {
				t.Fatal(err)
			}
		}
		w := newSite(t, s)
		fields := append(validFields(), [2]string{"company_1_name", "Fujimi Sewing"}, [2]string{"company_1_relation", "supplier"})
		for i := range fields {
			if fields[i][0] == "company_0_name" {
				fields[i][1] = "Sakura Apparel"
			}
		}
		id := w.fileAndLogIn(fields)
		h := deskHandler(t, s)
		members, _ := s.Members(ctx)
		var gamma int64
		for _, m := range members {
			if m.NameEN == "Gamma Group" {
				gamma = m.ID
			}
		}
		for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
			if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: to, Actor: h}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddCaseCompany(ctx, id, grievance.CompanyRef{MemberID: gamma}, h); err != nil {
			t.Fatal(err)
		}
		const narrativeA, narrativeB, narrativeC, fromCompany = "NARRATIVE-SHARED-WITH-SAKURA", "NARRATIVE-SHARED-WITH-KISO", "NARRATIVE-SHARED-WITH-GAMMA", "MESSAGE-IN-THE-COMPANY-THREAD"
		companies, _ := s.CaseCompanies(ctx, id)
		if len(companies) != 3 {
			t.Fatalf("companies %+v", companies)
		}
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: id, To: grievance.CaseAccepted, Actor: h, Referrals: []store.NewReferral{
			{CompanyID: companies[0].ID, SharedNarrative: narrativeA}, {CompanyID: companies[1].ID, SharedNarrative: narrativeB}, {CompanyID: companies[2].ID, SharedNarrative: narrativeC},
		}}); err != nil {
			t.Fatal(err)
		}
		refs, _ := s.Referrals(ctx, id)
		moveReferral(t, s, h, refs[0].ID, "", grievance.ReferralResponded, grievance.ReferralDialogue)
		moveReferral(t, s, h, refs[2].ID, "", grievance.ReferralResponded)
		if _, err := s.CreateMessage(ctx, store.NewMessage{CaseID: id, Thread: store.ThreadCompany, ReferralID: refs[0].ID, Author: h, Body: fromCompany}); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "vi", "ar"} {
			_, page := w.get("/follow-up/case", lang)
			m := progressList.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("%s: no progress list on the accepted case's page", lang)
			}
			want := "<dt>Sakura Apparel</dt><dd>" + html.EscapeString(locale.T(lang, "progress.dialogue")) + "</dd>" +
				"<dt>Fujimi Sewing</dt><dd>" + html.EscapeString(locale.T(lang, "progress.forwarded")) + "</dd>" +
				"<dt>" + html.EscapeString(locale.T(lang, "progress.other_company")) + "</dt><dd>" + html.EscapeString(locale.T(lang, "progress.responded")) + "</dd>"
			if m[1] != want {
				t.Errorf("%s: progress\n%s\nwant\n%s", lang, m[1], want)
			}
			for _, secret := range []string{narrativeA, narrativeB, narrativeC, fromCompany, "Kiso", "Gamma"} {
				if strings.Contains(page, secret) {
					t.Errorf("%s: the reporter's page shows %q", lang, secret)
				}
			}
		}
	})
}

var relationSelect = regexp.MustCompile(`(?s)<select id="f-company-(\d)-relation" name="company_\d_relation">(.*?)</select>`)
var optionTag = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)

// sentRelations is what a browser sends for each company's relation list as the page has it:
// the option marked selected, or else the first.
func sentRelations(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, sel := range relationSelect.FindAllStringSubmatch(page, -1) {
		opts := optionTag.FindAllStringSubmatch(sel[2], -1)
		if len(opts) == 0 {
			t.Fatalf("company %s's relation list has no options", sel[1])
		}
		out[sel[1]] = opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				out[sel[1]] = o[1]
			}
		}
	}
	if len(out) != 2 {
		t.Fatalf("relation lists found: %v", out)
	}
	return out
}

// TestRelationLeftAloneIsUnknown: a reporter who does not touch the list of how the company is
// linked files "unknown", not "own operations"; a value chosen is kept when the form comes back
// with a problem.
func TestRelationLeftAloneIsUnknown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		_, page := w.get("/report", "vi")
		sent := sentRelations(t, page)
		if sent["0"] != "unknown" || sent["1"] != "unknown" {
			t.Fatalf("untouched lists send %v", sent)
		}
		var fields [][2]string
		for _, f := range validFields() {
			if f[0] != "company_0_relation" {
				fields = append(fields, f)
			}
		}
		fields = append(fields, [2]string{"company_0_relation", sent["0"]}, [2]string{"company_1_relation", sent["1"]})
		id := w.fileAndLogIn(fields)
		companies, err := s.CaseCompanies(context.Background(), id)
		if err != nil || len(companies) != 1 || companies[0].Relation != "unknown" {
			t.Fatalf("stored companies %+v, %v", companies, err)
		}

		// Back with a problem: the first company's chosen link stays chosen, the second's untouched.
		var bad [][2]string
		for _, f := range validFields() {
			if f[0] != "description" {
				bad = append(bad, f)
			}
		}
		resp, page := w.postForm("/report", "vi", bad, nil)
		if resp.StatusCode != 400 {
			t.Fatalf("a report without its narrative: %d", resp.StatusCode)
		}
		if sent := sentRelations(t, page); sent["0"] != "supplier" || sent["1"] != "unknown" {
			t.Fatalf("after the problem the lists send %v, want supplier and unknown", sent)
		}
	})
}
