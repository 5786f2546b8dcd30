package grievance_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The expectations below are transcribed by hand from DESIGN.md section 3 and the team's
// decisions on who may make each move and what it must carry. They deliberately do not read
// grievance.CaseMoves or grievance.ReferralMoves: the tables under test must agree with them.

// need is what a legal move must carry, as the test sees it.
type need uint16

const (
	needReason       need = 1 << iota // a non-blank free-text reason
	needNotAccepted                   // a NotAcceptedReason code
	needReferralText                  // where else the reporter can go
	needOutcome                       // an Outcome code
	needCompanies                     // at least one company
	needReferrals                     // at least one referral, all concluded
	needRemedyTypes                   // at least one RemedyType
)

// allCaseStages and allReferralStages are DESIGN section 3's stage tables.
var allCaseStages = []grievance.CaseStage{
	"received", "acknowledged", "screening", "awaiting_information", "not_accepted",
	"accepted", "suspended", "closed", "withdrawn",
}

var allReferralStages = []grievance.ReferralStage{
	"forwarded", "responded", "dialogue", "investigation", "remedy_agreed", "monitoring", "concluded",
}

// designRoles are the roles of DESIGN section 2 plus the platform itself.
var designRoles = []grievance.Role{"reporter", "handler", "admin", "member", "expert", "panel", "public", "system"}

type legalCaseMove struct {
	from, to grievance.CaseStage
	by       grievance.Role
	needs    need
}

type legalReferralMove struct {
	from, to grievance.ReferralStage
	by       grievance.Role
	needs    need
}

var legalCaseMoves = []legalCaseMove{
	{"received", "acknowledged", "handler", 0},
	{"received", "acknowledged", "system", 0},
	{"acknowledged", "screening", "handler", 0},
	{"screening", "awaiting_information", "handler", needReason},
	{"screening", "accepted", "handler", needCompanies},
	{"screening", "not_accepted", "handler", needNotAccepted | needReferralText},
	{"awaiting_information", "screening", "reporter", 0},
	{"awaiting_information", "screening", "handler", 0},
	{"awaiting_information", "screening", "system", 0},
	{"accepted", "suspended", "handler", needReason},
	{"suspended", "accepted", "handler", needReason},
	{"accepted", "closed", "handler", needOutcome | needReferrals},
	{"accepted", "closed", "system", needOutcome | needReferrals},

	{"received", "withdrawn", "reporter", 0},
	{"received", "withdrawn", "handler", needReason},
	{"acknowledged", "withdrawn", "reporter", 0},
	{"acknowledged", "withdrawn", "handler", needReason},
	{"screening", "withdrawn", "reporter", 0},
	{"screening", "withdrawn", "handler", needReason},
	{"awaiting_information", "withdrawn", "reporter", 0},
	{"awaiting_information", "withdrawn", "handler", needReason},
	{"accepted", "withdrawn", "reporter", 0},
	{"accepted", "withdrawn", "handler", needReason},
	{"suspended", "withdrawn", "reporter", 0},
	{"suspended", "withdrawn", "handler", needReason},
}

var legalReferralMoves = []legalReferralMove{
	{"forwarded", "responded", "handler", 0},
	{"forwarded", "responded", "member", 0},
	{"responded", "dialogue", "handler", 0},
	{"responded", "investigation", "handler", 0},
	{"responded", "concluded", "handler", needOutcome},
	{"dialogue", "investigation", "handler", 0},
	{"dialogue", "remedy_agreed", "handler", needRemedyTypes},
	{"dialogue", "remedy_agreed", "member", needRemedyTypes},
	{"dialogue", "concluded", "handler", needOutcome},
	{"investigation", "dialogue", "handler", 0},
	{"investigation", "dialogue", "expert", 0},
	{"investigation", "remedy_agreed", "handler", needRemedyTypes},
	{"investigation", "concluded", "handler", needOutcome},
	{"investigation", "concluded", "expert", needOutcome},
	{"remedy_agreed", "monitoring", "handler", 0},
	{"remedy_agreed", "monitoring", "member", 0},
	{"monitoring", "concluded", "handler", needOutcome},
	{"monitoring", "dialogue", "handler", needReason},
}

// expectedCase answers, from the literal table, whether (from, to, role) is legal, and whether any
// role at all may move from → to.
func expectedCase(from, to grievance.CaseStage, role grievance.Role) (m legalCaseMove, legal, anyRole bool) {
	for _, l := range legalCaseMoves {
		if l.from == from && l.to == to {
			anyRole = true
			if l.by == role {
				m, legal = l, true
			}
		}
	}
	return m, legal, anyRole
}

func expectedReferral(from, to grievance.ReferralStage, role grievance.Role) (m legalReferralMove, legal, anyRole bool) {
	for _, l := range legalReferralMoves {
		if l.from == from && l.to == to {
			anyRole = true
			if l.by == role {
				m, legal = l, true
			}
		}
	}
	return m, legal, anyRole
}

// fullCaseChange carries everything any legal case move could need.
func fullCaseChange(from, to grievance.CaseStage, role grievance.Role) grievance.CaseChange {
	return grievance.CaseChange{
		From: from, To: to, Role: role,
		Reason:            "parallel court proceedings in the district court",
		NotAcceptedReason: "duplicate",
		ReferralText:      "You can also contact the National Contact Point for the OECD Guidelines.",
		Outcome:           "resolved",
		Companies:         1,
		Referrals:         []grievance.ReferralStage{"concluded"},
	}
}

// fullReferralChange carries everything any legal referral move could need, in an accepted case.
func fullReferralChange(from, to grievance.ReferralStage, role grievance.Role) grievance.ReferralChange {
	return grievance.ReferralChange{
		From: from, To: to, Role: role,
		CaseStage:   "accepted",
		Reason:      "the company did not implement the agreed plan",
		Outcome:     "resolved",
		RemedyTypes: []grievance.RemedyType{"apology", "financial_compensation"},
	}
}

// minimalCaseChange carries only what the literal table says the move needs.
func minimalCaseChange(m legalCaseMove) grievance.CaseChange {
	c := grievance.CaseChange{From: m.from, To: m.to, Role: m.by}
	if m.needs&needReason != 0 {
		c.Reason = "the reason"
	}
	if m.needs&needNotAccepted != 0 {
		c.NotAcceptedReason = "outside_mandate"
	}
	if m.needs&needReferralText != 0 {
		c.ReferralText = "Please contact the labour inspectorate."
	}
	if m.needs&needOutcome != 0 {
		c.Outcome = "partially_resolved"
	}
	if m.needs&needCompanies != 0 {
		c.Companies = 2
	}
	if m.needs&needReferrals != 0 {
		c.Referrals = []grievance.ReferralStage{"concluded", "concluded"}
	}
	return c
}

func minimalReferralChange(m legalReferralMove) grievance.ReferralChange {
	c := grievance.ReferralChange{From: m.from, To: m.to, Role: m.by, CaseStage: "accepted"}
	if m.needs&needReason != 0 {
		c.Reason = "the reason"
	}
	if m.needs&needOutcome != 0 {
		c.Outcome = "not_substantiated"
	}
	if m.needs&needRemedyTypes != 0 {
		c.RemedyTypes = []grievance.RemedyType{"non_repetition"}
	}
	return c
}

// ruleError asserts err is a *grievance.RuleError with the given code (and field, unless field is
// "-") and returns it.
func ruleError(t *testing.T, err error, code, field string) *grievance.RuleError {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil, want RuleError %q", code)
	}
	var re *grievance.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("got %T (%v), want *grievance.RuleError %q", err, err, code)
	}
	if re.Code != code {
		t.Fatalf("got code %q (%v), want %q", re.Code, err, code)
	}
	if field != "-" && re.Field != field {
		t.Fatalf("got field %q, want %q (code %q)", re.Field, field, code)
	}
	if re.Error() == "" {
		t.Fatalf("RuleError %q has an empty message", code)
	}
	return re
}

func TestStageAndRoleListsMatchDesign(t *testing.T) {
	if !slices.Equal(grievance.CaseStages, allCaseStages) {
		t.Errorf("CaseStages = %v, want %v", grievance.CaseStages, allCaseStages)
	}
	if !slices.Equal(grievance.ReferralStages, allReferralStages) {
		t.Errorf("ReferralStages = %v, want %v", grievance.ReferralStages, allReferralStages)
	}
	got := slices.Clone(grievance.Roles)
	want := slices.Clone(designRoles)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Roles = %v, want (in any order) %v", grievance.Roles, designRoles)
	}
	for _, s := range allCaseStages {
		if !s.Valid() {
			t.Errorf("CaseStage(%q).Valid() = false", s)
		}
		wantFinal := s == "not_accepted" || s == "closed" || s == "withdrawn"
		if s.Final() != wantFinal {
			t.Errorf("CaseStage(%q).Final() = %v, want %v", s, s.Final(), wantFinal)
		}
	}
	for _, s := range allReferralStages {
		if !s.Valid() {
			t.Errorf("ReferralStage(%q).Valid() = false", s)
		}
		if s.Final() != (s == "concluded") {
			t.Errorf("ReferralStage(%q).Final() = %v", s, s.Final())
		}
	}
	for _, bad := range []string{"", "Received", "archived", "concluded"} {
		if grievance.CaseStage(bad).Valid() {
			t.Errorf("CaseStage(%q).Valid() = true", bad)
		}
	}
	for _, bad := range []string{"", "Forwarded", "closed", "accepted"} {
		if grievance.ReferralStage(bad).Valid() {
			t.Errorf("ReferralStage(%q).Valid() = true", bad)
		}
	}
	for _, r := range designRoles {
		if !r.Valid() {
			t.Errorf("Role(%q).Valid() = false", r)
		}
	}
	if grievance.Role("root").Valid() || grievance.Role("").Valid() {
		t.Error("unknown roles are valid")
	}
}

func TestCaseTransitions(t *testing.T) {
	legalSeen := 0
	for _, from := range allCaseStages {
		for _, to := range allCaseStages {
			for _, role := range grievance.Roles {
				t.Run(fmt.Sprintf("%s->%s/by=%s", from, to, role), func(t *testing.T) {
					_, legal, anyRole := expectedCase(from, to, role)
					err := grievance.CheckCaseChange(fullCaseChange(from, to, role))
					switch {
					case legal:
						legalSeen++
						if err != nil {
							t.Fatalf("legal move refused: %v", err)
						}
					case anyRole:
						re := ruleError(t, err, "role_not_allowed", "-")
						if re.Role != role || re.From != string(from) || re.To != string(to) {
							t.Errorf("RuleError = %+v, want from %s to %s role %s", re, from, to, role)
						}
					default:
						ruleError(t, err, "illegal_transition", "-")
					}
				})
			}
		}
	}
	if legalSeen != len(legalCaseMoves) {
		t.Errorf("checked %d legal moves, the table has %d (a role in the table is missing from grievance.Roles?)", legalSeen, len(legalCaseMoves))
	}
}

func TestReferralTransitions(t *testing.T) {
	legalSeen := 0
	for _, from := range allReferralStages {
		for _, to := range allReferralStages {
			for _, role := range grievance.Roles {
				t.Run(fmt.Sprintf("%s->%s/by=%s", from, to, role), func(t *testing.T) {
					_, legal, anyRole := expectedReferral(from, to, role)
					err := grievance.CheckReferralChange(fullReferralChange(from, to, role))
					switch {
					case legal:
						legalSeen++
						if err != nil {
							t.Fatalf("legal move refused: %v", err)
						}
					case anyRole:
						re := ruleError(t, err, "role_not_allowed", "-")
						if re.Role != role || re.From != string(from) || re.To != string(to) {
							t.Errorf("RuleError = %+v, want from %s to %s role %s", re, from, to, role)
						}
					default:
						ruleError(t, err, "illegal_transition", "-")
					}
				})
			}
		}
	}
	if legalSeen != len(legalReferralMoves) {
		t.Errorf("checked %d legal moves, the table has %d", legalSeen, len(legalReferralMoves))
	}
}

// TestCaseMoveNeedsExactly checks each legal case move with exactly what the literal table says it
// needs (so it asks for nothing more) and then without each of those things in turn (so it asks
// for at least that).
func TestCaseMoveNeedsExactly(t *testing.T) {
	for _, m := range legalCaseMoves {
		name := fmt.Sprintf("%s->%s/by=%s", m.from, m.to, m.by)
		t.Run(name+"/minimal", func(t *testing.T) {
			if err := grievance.CheckCaseChange(minimalCaseChange(m)); err != nil {
				t.Fatalf("move with only its needs refused: %v", err)
			}
		})
		drops := []struct {
			need        need
			what        string
			drop        func(*grievance.CaseChange)
			code, field string
		}{
			{needReason, "reason", func(c *grievance.CaseChange) { c.Reason = "" }, "reason_required", "reason"},
			{needNotAccepted, "not_accepted_reason", func(c *grievance.CaseChange) { c.NotAcceptedReason = "" }, "not_accepted_reason_required", "not_accepted_reason"},
			{needReferralText, "referral_text", func(c *grievance.CaseChange) { c.ReferralText = "" }, "referral_text_required", "referral_text"},
			{needOutcome, "outcome", func(c *grievance.CaseChange) { c.Outcome = "" }, "outcome_required", "outcome"},
			{needCompanies, "companies", func(c *grievance.CaseChange) { c.Companies = 0 }, "companies_required", "companies"},
			{needReferrals, "referrals", func(c *grievance.CaseChange) { c.Referrals = nil }, "referrals_required", "referrals"},
		}
		for _, d := range drops {
			if m.needs&d.need == 0 {
				continue
			}
			t.Run(name+"/without_"+d.what, func(t *testing.T) {
				c := minimalCaseChange(m)
				d.drop(&c)
				ruleError(t, grievance.CheckCaseChange(c), d.code, d.field)
			})
		}
	}
}

func TestReferralMoveNeedsExactly(t *testing.T) {
	for _, m := range legalReferralMoves {
		name := fmt.Sprintf("%s->%s/by=%s", m.from, m.to, m.by)
		t.Run(name+"/minimal", func(t *testing.T) {
			if err := grievance.CheckReferralChange(minimalReferralChange(m)); err != nil {
				t.Fatalf("move with only its needs refused: %v", err)
			}
		})
		t.Run(name+"/case_suspended", func(t *testing.T) {
			c := minimalReferralChange(m)
			c.CaseStage = "suspended"
			ruleError(t, grievance.CheckReferralChange(c), "case_not_accepted", "-")
		})
		drops := []struct {
			need        need
			what        string
			drop        func(*grievance.ReferralChange)
			code, field string
		}{
			{needReason, "reason", func(c *grievance.ReferralChange) { c.Reason = "" }, "reason_required", "reason"},
			{needOutcome, "outcome", func(c *grievance.ReferralChange) { c.Outcome = "" }, "outcome_required", "outcome"},
			{needRemedyTypes, "remedy_types", func(c *grievance.ReferralChange) { c.RemedyTypes = nil }, "remedy_types_required", "remedy_types"},
		}
		for _, d := range drops {
			if m.needs&d.need == 0 {
				continue
			}
			t.Run(name+"/without_"+d.what, func(t *testing.T) {
				c := minimalReferralChange(m)
				d.drop(&c)
				ruleError(t, grievance.CheckReferralChange(c), d.code, d.field)
			})
		}
	}
}

func TestCaseChangeRequirements(t *testing.T) {
	full := fullCaseChange
	tests := []struct {
		name        string
		change      grievance.CaseChange
		code, field string // code "" means the change is legal
	}{
		{"ask question without reason", with(full("screening", "awaiting_information", "handler"), func(c *grievance.CaseChange) { c.Reason = "" }), "reason_required", "reason"},
		{"ask question with blank reason", with(full("screening", "awaiting_information", "handler"), func(c *grievance.CaseChange) { c.Reason = " \t\r\n\u3000 " }), "reason_required", "reason"},
		{"suspend without reason", with(full("accepted", "suspended", "handler"), func(c *grievance.CaseChange) { c.Reason = "" }), "reason_required", "reason"},
		{"suspend with blank reason", with(full("accepted", "suspended", "handler"), func(c *grievance.CaseChange) { c.Reason = "   " }), "reason_required", "reason"},
		{"resume without reason", with(full("suspended", "accepted", "handler"), func(c *grievance.CaseChange) { c.Reason = "\n" }), "reason_required", "reason"},
		{"handler withdrawal without reason", with(full("screening", "withdrawn", "handler"), func(c *grievance.CaseChange) { c.Reason = "" }), "reason_required", "reason"},
		{"handler withdrawal with blank reason", with(full("accepted", "withdrawn", "handler"), func(c *grievance.CaseChange) { c.Reason = "\t" }), "reason_required", "reason"},
		{"reporter withdrawal needs no reason", grievance.CaseChange{From: "accepted", To: "withdrawn", Role: "reporter"}, "", ""},
		{"acknowledgement needs no reason", grievance.CaseChange{From: "received", To: "acknowledged", Role: "system"}, "", ""},

		{"not accepted without reason code", with(full("screening", "not_accepted", "handler"), func(c *grievance.CaseChange) { c.NotAcceptedReason = "" }), "not_accepted_reason_required", "not_accepted_reason"},
		{"not accepted with invalid code", with(full("screening", "not_accepted", "handler"), func(c *grievance.CaseChange) { c.NotAcceptedReason = "spam" }), "invalid_code", "not_accepted_reason"},
		{"not accepted with upper-case code", with(full("screening", "not_accepted", "handler"), func(c *grievance.CaseChange) { c.NotAcceptedReason = "DUPLICATE" }), "invalid_code", "not_accepted_reason"},
		{"not accepted without referral text", with(full("screening", "not_accepted", "handler"), func(c *grievance.CaseChange) { c.ReferralText = "" }), "referral_text_required", "referral_text"},
		{"not accepted with blank referral text", with(full("screening", "not_accepted", "handler"), func(c *grievance.CaseChange) { c.ReferralText = " \n " }), "referral_text_required", "referral_text"},

		{"close without outcome", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) { c.Outcome = "" }), "outcome_required", "outcome"},
		{"close with invalid outcome", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) { c.Outcome = "happy" }), "invalid_code", "outcome"},
		{"system close without outcome", with(full("accepted", "closed", "system"), func(c *grievance.CaseChange) { c.Outcome = "" }), "outcome_required", "outcome"},
		{"close with an open referral", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) {
			c.Referrals = []grievance.ReferralStage{"concluded", "monitoring", "concluded"}
		}), "referrals_open", "referrals"},
		{"close with only open referrals", with(full("accepted", "closed", "system"), func(c *grievance.CaseChange) {
			c.Referrals = []grievance.ReferralStage{"forwarded"}
		}), "referrals_open", "referrals"},
		{"close with no referrals", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) { c.Referrals = nil }), "referrals_required", "referrals"},
		{"close with empty referral list", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) { c.Referrals = []grievance.ReferralStage{} }), "referrals_required", "referrals"},
		{"close with every referral concluded", with(full("accepted", "closed", "handler"), func(c *grievance.CaseChange) {
			c.Referrals = []grievance.ReferralStage{"concluded", "concluded", "concluded"}
		}), "", ""},

		{"accept with no companies", with(full("screening", "accepted", "handler"), func(c *grievance.CaseChange) { c.Companies = 0 }), "companies_required", "companies"},
		{"accept with negative companies", with(full("screening", "accepted", "handler"), func(c *grievance.CaseChange) { c.Companies = -1 }), "companies_required", "companies"},
		{"accept with three companies", with(full("screening", "accepted", "handler"), func(c *grievance.CaseChange) { c.Companies = 3 }), "", ""},

		{"unknown from stage", full("archived", "screening", "handler"), "unknown_stage", "-"},
		{"unknown to stage", full("screening", "archived", "handler"), "unknown_stage", "-"},
		{"empty stages", full("", "", "handler"), "unknown_stage", "-"},
		{"upper-case stage", full("SCREENING", "accepted", "handler"), "unknown_stage", "-"},
		{"unknown role", full("screening", "accepted", "root"), "role_not_allowed", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := grievance.CheckCaseChange(tt.change)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			ruleError(t, err, tt.code, tt.field)
		})
	}
}

func TestReferralChangeRequirements(t *testing.T) {
	full := fullReferralChange
	set := func(c grievance.ReferralChange, f func(*grievance.ReferralChange)) grievance.ReferralChange {
		f(&c)
		return c
	}
	tests := []struct {
		name        string
		change      grievance.ReferralChange
		code, field string
	}{
		{"remedy agreed in dialogue without types", set(full("dialogue", "remedy_agreed", "member"), func(c *grievance.ReferralChange) { c.RemedyTypes = nil }), "remedy_types_required", "remedy_types"},
		{"remedy agreed in dialogue with empty types", set(full("dialogue", "remedy_agreed", "handler"), func(c *grievance.ReferralChange) { c.RemedyTypes = []grievance.RemedyType{} }), "remedy_types_required", "remedy_types"},
		{"remedy agreed with invalid type", set(full("dialogue", "remedy_agreed", "handler"), func(c *grievance.ReferralChange) { c.RemedyTypes = []grievance.RemedyType{"hug"} }), "invalid_code", "remedy_types"},
		{"remedy agreed with one invalid among valid", set(full("investigation", "remedy_agreed", "handler"), func(c *grievance.ReferralChange) {
			c.RemedyTypes = []grievance.RemedyType{"apology", "Apology"}
		}), "invalid_code", "remedy_types"},
		{"remedy agreed after investigation without types", set(full("investigation", "remedy_agreed", "handler"), func(c *grievance.ReferralChange) { c.RemedyTypes = nil }), "remedy_types_required", "remedy_types"},
		{"remedy agreed with every remedy type", set(full("dialogue", "remedy_agreed", "member"), func(c *grievance.ReferralChange) {
			c.RemedyTypes = []grievance.RemedyType{"apology", "restitution", "rehabilitation", "financial_compensation", "non_financial_compensation", "sanctions", "non_repetition", "policy_change", "reinstatement"}
		}), "", ""},

		{"conclude without outcome", set(full("responded", "concluded", "handler"), func(c *grievance.ReferralChange) { c.Outcome = "" }), "outcome_required", "outcome"},
		{"conclude with invalid outcome", set(full("dialogue", "concluded", "handler"), func(c *grievance.ReferralChange) { c.Outcome = "settled" }), "invalid_code", "outcome"},
		{"expert concludes without outcome", set(full("investigation", "concluded", "expert"), func(c *grievance.ReferralChange) { c.Outcome = "" }), "outcome_required", "outcome"},
		{"monitoring concludes without outcome", set(full("monitoring", "concluded", "handler"), func(c *grievance.ReferralChange) { c.Outcome = "" }), "outcome_required", "outcome"},

		{"reopen dialogue without reason", set(full("monitoring", "dialogue", "handler"), func(c *grievance.ReferralChange) { c.Reason = "" }), "reason_required", "reason"},
		{"reopen dialogue with blank reason", set(full("monitoring", "dialogue", "handler"), func(c *grievance.ReferralChange) { c.Reason = "  \n\t" }), "reason_required", "reason"},

		{"move while case suspended", set(full("forwarded", "responded", "member"), func(c *grievance.ReferralChange) { c.CaseStage = "suspended" }), "case_not_accepted", "-"},
		{"conclude while case suspended", set(full("dialogue", "concluded", "handler"), func(c *grievance.ReferralChange) { c.CaseStage = "suspended" }), "case_not_accepted", "-"},
		{"move while case closed", set(full("responded", "dialogue", "handler"), func(c *grievance.ReferralChange) { c.CaseStage = "closed" }), "case_not_accepted", "-"},
		{"move while case screening", set(full("forwarded", "responded", "handler"), func(c *grievance.ReferralChange) { c.CaseStage = "screening" }), "case_not_accepted", "-"},
		{"move with no case stage", set(full("forwarded", "responded", "handler"), func(c *grievance.ReferralChange) { c.CaseStage = "" }), "case_not_accepted", "-"},

		{"unknown from stage", full("accepted", "dialogue", "handler"), "unknown_stage", "-"},
		{"unknown to stage", full("dialogue", "closed", "handler"), "unknown_stage", "-"},
		{"empty stages", full("", "", "handler"), "unknown_stage", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := grievance.CheckReferralChange(tt.change)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			ruleError(t, err, tt.code, tt.field)
		})
	}
}

// TestUnknownStageErrorNamesTheStage: the message of an unknown-stage error must name the stage
// that is unknown, not a known one.
func TestUnknownStageErrorNamesTheStage(t *testing.T) {
	errs := map[string]error{
		"case from":     grievance.CheckCaseChange(fullCaseChange("archived", "screening", "handler")),
		"case to":       grievance.CheckCaseChange(fullCaseChange("screening", "archived", "handler")),
		"referral from": grievance.CheckReferralChange(grievance.ReferralChange{From: "archived", To: "dialogue", Role: "handler", CaseStage: "accepted"}),
		"referral to":   grievance.CheckReferralChange(grievance.ReferralChange{From: "dialogue", To: "archived", Role: "handler", CaseStage: "accepted"}),
	}
	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			ruleError(t, err, "unknown_stage", "-")
			msg := err.Error()
			if !strings.Contains(msg, "archived") {
				t.Errorf("message %q does not name the unknown stage %q", msg, "archived")
			}
		})
	}
}

func TestRuleErrorMessages(t *testing.T) {
	err := grievance.CheckCaseChange(fullCaseChange("received", "closed", "handler"))
	re := ruleError(t, err, "illegal_transition", "-")
	if msg := re.Error(); !strings.Contains(msg, "received") || !strings.Contains(msg, "closed") {
		t.Errorf("illegal_transition message %q does not name both stages", msg)
	}
	err = grievance.CheckCaseChange(fullCaseChange("screening", "accepted", "member"))
	re = ruleError(t, err, "role_not_allowed", "-")
	if msg := re.Error(); !strings.Contains(msg, "member") {
		t.Errorf("role_not_allowed message %q does not name the role", msg)
	}
}

func TestCaseOutcomeOnEntry(t *testing.T) {
	for _, s := range allCaseStages {
		want := grievance.Outcome("")
		if s == "withdrawn" {
			want = "withdrawn"
		}
		if got := grievance.CaseOutcomeOnEntry(s); got != want {
			t.Errorf("CaseOutcomeOnEntry(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestNextCaseMoves(t *testing.T) {
	for _, from := range allCaseStages {
		for _, role := range grievance.Roles {
			t.Run(fmt.Sprintf("%s/by=%s", from, role), func(t *testing.T) {
				var want []string
				wantNeeds := map[grievance.CaseStage]grievance.Needs{}
				for _, l := range legalCaseMoves {
					if l.from == from && l.by == role {
						want = append(want, string(l.to))
						wantNeeds[l.to] = caseNeeds(l.needs)
					}
				}
				var got []string
				for _, m := range grievance.NextCaseMoves(from, role) {
					got = append(got, string(m.To))
					if m.From != from {
						t.Errorf("offered move starts at %s, not %s", m.From, from)
					}
					if !slices.Contains(m.By, role) {
						t.Errorf("offered move to %s does not list %s in By %v", m.To, role, m.By)
					}
					if w, ok := wantNeeds[m.To]; ok && m.Needs != w {
						t.Errorf("offered move to %s needs %b, want %b", m.To, m.Needs, w)
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("targets = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestNextReferralMoves(t *testing.T) {
	for _, from := range allReferralStages {
		for _, role := range grievance.Roles {
			t.Run(fmt.Sprintf("%s/by=%s/case=accepted", from, role), func(t *testing.T) {
				var want []string
				wantNeeds := map[grievance.ReferralStage]grievance.Needs{}
				for _, l := range legalReferralMoves {
					if l.from == from && l.by == role {
						want = append(want, string(l.to))
						wantNeeds[l.to] = referralNeeds(l.needs)
					}
				}
				var got []string
				for _, m := range grievance.NextReferralMoves(from, "accepted", role) {
					got = append(got, string(m.To))
					if m.From != from {
						t.Errorf("offered move starts at %s, not %s", m.From, from)
					}
					if w, ok := wantNeeds[m.To]; ok && m.Needs != w {
						t.Errorf("offered move to %s needs %b, want %b", m.To, m.Needs, w)
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("targets = %v, want %v", got, want)
				}
			})
			for _, caseStage := range allCaseStages {
				if caseStage == "accepted" {
					continue
				}
				t.Run(fmt.Sprintf("%s/by=%s/case=%s", from, role, caseStage), func(t *testing.T) {
					if got := grievance.NextReferralMoves(from, caseStage, role); len(got) != 0 {
						t.Errorf("offered %d moves while the case is %s: %+v", len(got), caseStage, got)
					}
				})
			}
		}
	}
}

// caseNeeds and referralNeeds translate the test's own need flags into the package's Needs, to
// check what NextCaseMoves / NextReferralMoves tell the pages to ask for.
func caseNeeds(n need) grievance.Needs {
	var out grievance.Needs
	pairs := []struct {
		n need
		g grievance.Needs
	}{
		{needReason, grievance.NeedsReason},
		{needNotAccepted, grievance.NeedsNotAcceptedReason},
		{needReferralText, grievance.NeedsReferralText},
		{needOutcome, grievance.NeedsOutcome},
		{needCompanies, grievance.NeedsCompanies},
		{needReferrals, grievance.NeedsAllReferralsConcluded},
		{needRemedyTypes, grievance.NeedsRemedyTypes},
	}
	for _, p := range pairs {
		if n&p.n != 0 {
			out |= p.g
		}
	}
	return out
}

func referralNeeds(n need) grievance.Needs { return caseNeeds(n) | grievance.NeedsCaseAccepted }

func with(c grievance.CaseChange, f func(*grievance.CaseChange)) grievance.CaseChange {
	f(&c)
	return c
}

func TestMonitoringOpenOnlyWhileARemedyIsFollowed(t *testing.T) {
	for _, st := range grievance.ReferralStages {
		for _, cs := range grievance.CaseStages {
			want := (st == grievance.ReferralRemedyAgreed || st == grievance.ReferralMonitoring) && cs == grievance.CaseAccepted
			if got := grievance.MonitoringOpen(st, cs); got != want {
				t.Errorf("MonitoringOpen(%s, %s) = %v", st, cs, got)
			}
		}
	}
}

func TestCountsInPublic(t *testing.T) {
	for _, tt := range []struct {
		to     grievance.CaseStage
		reason grievance.NotAcceptedReason
		want   bool
	}{
		{grievance.CaseAccepted, "", true},
		{grievance.CaseNotAccepted, "outside_mandate", true},
		{grievance.CaseNotAccepted, "abusive", false},
		{grievance.CaseNotAccepted, "duplicate", false},
		{grievance.CaseAcknowledged, "", false},
		{grievance.CaseScreening, "", false},
		{grievance.CaseWithdrawn, "", false},
	} {
		if got := grievance.CountsInPublic(tt.to, tt.reason); got != tt.want {
			t.Errorf("CountsInPublic(%s, %q) = %v, want %v", tt.to, tt.reason, got, tt.want)
		}
	}
}
