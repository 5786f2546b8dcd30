package grievance

import (
	"fmt"
	"strings"
)

// Needs says what a move must carry besides who makes it.
type Needs uint16

const (
	NeedsReason                Needs = 1 << iota // a free-text reason, kept in the stage history
	NeedsNotAcceptedReason                       // a NotAcceptedReason code
	NeedsReferralText                            // for the reporter: where else they can go
	NeedsOutcome                                 // an Outcome code
	NeedsRemedyTypes                             // at least one RemedyType
	NeedsCompanies                               // at least one company to refer the case to
	NeedsAllReferralsConcluded                   // every referral of the case has concluded
	NeedsCaseAccepted                            // referral moves: the case is accepted (not suspended)
)

// CaseMove is one legal case transition for the roles in By.
type CaseMove struct {
	From, To CaseStage
	By       []Role
	Needs    Needs
}

// ReferralMove is one legal referral transition for the roles in By.
type ReferralMove struct {
	From, To ReferralStage
	By       []Role
	Needs    Needs
}

var (
	reporterOnly      = []Role{RoleReporter}
	handlerOnly       = []Role{RoleHandler}
	handlerOrSystem   = []Role{RoleHandler, RoleSystem}
	handlerOrMember   = []Role{RoleHandler, RoleMember}
	handlerOrExpert   = []Role{RoleHandler, RoleExpert}
	answerOrTimeout   = []Role{RoleReporter, RoleHandler, RoleSystem}
	withdrawableCases = []CaseStage{CaseReceived, CaseAcknowledged, CaseScreening, CaseAwaitingInformation, CaseAccepted, CaseSuspended}
)

// CaseMoves is the case transition table of DESIGN section 3. A reporter may withdraw at any time
// before the case is final; a handler may record a withdrawal made by phone or letter, with a reason.
var CaseMoves = append([]CaseMove{
	{CaseReceived, CaseAcknowledged, handlerOrSystem, 0},
	{CaseAcknowledged, CaseScreening, handlerOnly, 0},
	{CaseScreening, CaseAwaitingInformation, handlerOnly, NeedsReason},
	{CaseScreening, CaseAccepted, handlerOnly, NeedsCompanies},
	{CaseScreening, CaseNotAccepted, handlerOnly, NeedsNotAcceptedReason | NeedsReferralText},
	{CaseAwaitingInformation, CaseScreening, answerOrTimeout, 0},
	{CaseAccepted, CaseSuspended, handlerOnly, NeedsReason},
	{CaseSuspended, CaseAccepted, handlerOnly, NeedsReason},
	{CaseAccepted, CaseClosed, handlerOrSystem, NeedsOutcome | NeedsAllReferralsConcluded},
}, withdrawals()...)

func withdrawals() []CaseMove {
	var moves []CaseMove
	for _, from := range withdrawableCases {
		moves = append(moves,
			CaseMove{from, CaseWithdrawn, reporterOnly, 0},
			CaseMove{from, CaseWithdrawn, handlerOnly, NeedsReason})
	}
	return moves
}

// ReferralMoves is the referral transition table of DESIGN section 3.
var ReferralMoves = []ReferralMove{
	{ReferralForwarded, ReferralResponded, handlerOrMember, NeedsCaseAccepted},
	{ReferralResponded, ReferralDialogue, handlerOnly, NeedsCaseAccepted},
	{ReferralResponded, ReferralInvestigation, handlerOnly, NeedsCaseAccepted},
	{ReferralResponded, ReferralConcluded, handlerOnly, NeedsCaseAccepted | NeedsOutcome},
	{ReferralDialogue, ReferralInvestigation, handlerOnly, NeedsCaseAccepted},
	{ReferralDialogue, ReferralRemedyAgreed, handlerOrMember, NeedsCaseAccepted | NeedsRemedyTypes},
	{ReferralDialogue, ReferralConcluded, handlerOnly, NeedsCaseAccepted | NeedsOutcome},
	{ReferralInvestigation, ReferralDialogue, handlerOrExpert, NeedsCaseAccepted},
	{ReferralInvestigation, ReferralRemedyAgreed, handlerOnly, NeedsCaseAccepted | NeedsRemedyTypes},
	{ReferralInvestigation, ReferralConcluded, handlerOrExpert, NeedsCaseAccepted | NeedsOutcome},
	{ReferralRemedyAgreed, ReferralMonitoring, handlerOrMember, NeedsCaseAccepted},
	{ReferralMonitoring, ReferralConcluded, handlerOnly, NeedsCaseAccepted | NeedsOutcome},
	{ReferralMonitoring, ReferralDialogue, handlerOnly, NeedsCaseAccepted | NeedsReason},
}

// CaseChange is a requested case transition and what it carries.
type CaseChange struct {
	From, To          CaseStage
	Role              Role
	Reason            string
	NotAcceptedReason NotAcceptedReason
	ReferralText      string
	Outcome           Outcome
	Companies         int             // companies the case will be referred to (accepting)
	Referrals         []ReferralStage // the case's referrals as they stand (closing)
	// Historic marks a past move replayed by an import, which may carry NotAcceptedUnrecorded.
	// Only the import planner sets it.
	Historic bool
}

// ReferralChange is a requested referral transition and what it carries.
type ReferralChange struct {
	From, To    ReferralStage
	Role        Role
	CaseStage   CaseStage
	Reason      string
	Outcome     Outcome
	RemedyTypes []RemedyType
	// Historic marks a past move replayed by an import, which may carry RemedyUnrecorded. Only
	// the import planner sets it.
	Historic bool
}

// RuleError says why the rules refuse a change. Code is stable and translated by the pages.
type RuleError struct {
	Code  string // e.g. "illegal_transition", "role_not_allowed", "reason_required"
	Field string // the input the user must fix, if any
	From  string
	To    string
	Role  Role
}

func (e *RuleError) Error() string {
	switch e.Code {
	case "unknown_stage":
		if !CaseStage(e.From).Valid() && !ReferralStage(e.From).Valid() {
			return fmt.Sprintf("unknown stage %q", e.From)
		}
		return fmt.Sprintf("unknown stage %q", e.To)
	case "illegal_transition":
		return fmt.Sprintf("cannot move from %s to %s", e.From, e.To)
	case "role_not_allowed":
		return fmt.Sprintf("a %s cannot move from %s to %s", e.Role, e.From, e.To)
	}
	return fmt.Sprintf("moving from %s to %s: %s", e.From, e.To, strings.ReplaceAll(e.Code, "_", " "))
}

// CheckCaseChange says whether c is legal: nil, or a *RuleError.
func CheckCaseChange(c CaseChange) error {
	fail := func(code, field string) error {
		return &RuleError{Code: code, Field: field, From: string(c.From), To: string(c.To), Role: c.Role}
	}
	if !c.From.Valid() || !c.To.Valid() {
		return fail("unknown_stage", "stage")
	}
	move, err := findCaseMove(c.From, c.To, c.Role)
	if err != "" {
		return fail(err, "stage")
	}
	n := move.Needs
	if n&NeedsReason != 0 && blank(c.Reason) {
		return fail("reason_required", "reason")
	}
	if n&NeedsNotAcceptedReason != 0 {
		if c.NotAcceptedReason == "" {
			return fail("not_accepted_reason_required", "not_accepted_reason")
		}
		if !c.NotAcceptedReason.Valid() && !(c.Historic && c.NotAcceptedReason == NotAcceptedUnrecorded) {
			return fail("invalid_code", "not_accepted_reason")
		}
	}
	if n&NeedsReferralText != 0 && blank(c.ReferralText) {
		return fail("referral_text_required", "referral_text")
	}
	if n&NeedsOutcome != 0 {
		if c.Outcome == "" {
			return fail("outcome_required", "outcome")
		}
		if !c.Outcome.Valid() {
			return fail("invalid_code", "outcome")
		}
	}
	if n&NeedsCompanies != 0 && c.Companies < 1 {
		return fail("companies_required", "companies")
	}
	if n&NeedsAllReferralsConcluded != 0 {
		if len(c.Referrals) == 0 {
			return fail("referrals_required", "referrals")
		}
		for _, r := range c.Referrals {
			if !r.Final() {
				return fail("referrals_open", "referrals")
			}
		}
	}
	return nil
}

// CheckReferralChange says whether c is legal: nil, or a *RuleError.
func CheckReferralChange(c ReferralChange) error {
	fail := func(code, field string) error {
		return &RuleError{Code: code, Field: field, From: string(c.From), To: string(c.To), Role: c.Role}
	}
	if !c.From.Valid() || !c.To.Valid() {
		return fail("unknown_stage", "stage")
	}
	move, err := findReferralMove(c.From, c.To, c.Role)
	if err != "" {
		return fail(err, "stage")
	}
	n := move.Needs
	if n&NeedsCaseAccepted != 0 && c.CaseStage != CaseAccepted {
		return fail("case_not_accepted", "stage")
	}
	if n&NeedsReason != 0 && blank(c.Reason) {
		return fail("reason_required", "reason")
	}
	if n&NeedsOutcome != 0 {
		if c.Outcome == "" {
			return fail("outcome_required", "outcome")
		}
		if !c.Outcome.Valid() {
			return fail("invalid_code", "outcome")
		}
	}
	if n&NeedsRemedyTypes != 0 {
		if len(c.RemedyTypes) == 0 {
			return fail("remedy_types_required", "remedy_types")
		}
		for _, t := range c.RemedyTypes {
			if !t.Valid() && !(c.Historic && t == RemedyUnrecorded) {
				return fail("invalid_code", "remedy_types")
			}
		}
	}
	return nil
}

// findCaseMove returns the move for (from, to, role), or an error code: "illegal_transition"
// when nobody may make that move, "role_not_allowed" when someone else may.
func findCaseMove(from, to CaseStage, role Role) (CaseMove, string) {
	code := "illegal_transition"
	for _, m := range CaseMoves {
		if m.From != from || m.To != to {
			continue
		}
		if contains(m.By, role) {
			return m, ""
		}
		code = "role_not_allowed"
	}
	return CaseMove{}, code
}

func findReferralMove(from, to ReferralStage, role Role) (ReferralMove, string) {
	code := "illegal_transition"
	for _, m := range ReferralMoves {
		if m.From != from || m.To != to {
			continue
		}
		if contains(m.By, role) {
			return m, ""
		}
		code = "role_not_allowed"
	}
	return ReferralMove{}, code
}

// NextCaseMoves lists the moves role may make from a case in stage from, so that a page offers
// exactly what the rules allow.
func NextCaseMoves(from CaseStage, role Role) []CaseMove {
	var out []CaseMove
	for _, m := range CaseMoves {
		if m.From == from && contains(m.By, role) {
			out = append(out, m)
		}
	}
	return out
}

// NextReferralMoves lists the moves role may make from a referral in stage from while its case is
// in caseStage.
func NextReferralMoves(from ReferralStage, caseStage CaseStage, role Role) []ReferralMove {
	var out []ReferralMove
	for _, m := range ReferralMoves {
		if m.From != from || !contains(m.By, role) {
			continue
		}
		if m.Needs&NeedsCaseAccepted != 0 && caseStage != CaseAccepted {
			continue
		}
		out = append(out, m)
	}
	return out
}

// CaseOutcomeOnEntry is the outcome a case gets by entering stage s without a chosen outcome.
func CaseOutcomeOnEntry(s CaseStage) Outcome {
	if s == CaseWithdrawn {
		return OutcomeWithdrawn
	}
	return ""
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// MonitoringOpen reports whether a referral in stage st, of a case in caseStage, takes monitoring
// checks: from the moment a remedy is agreed until the referral concludes (or goes back to
// dialogue), while the case is open (accepted), as for the referral's moves.
func MonitoringOpen(st ReferralStage, caseStage CaseStage) bool {
	return (st == ReferralRemedyAgreed || st == ReferralMonitoring) && caseStage == CaseAccepted
}
