package grievance_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// The "unrecorded" codes exist for imported history only: a live move carrying one is refused as
// any unknown code is, and handlers are never offered them.
func TestUnrecordedCodesAreForHistoryOnly(t *testing.T) {
	notAccepted := grievance.CaseChange{From: grievance.CaseScreening, To: grievance.CaseNotAccepted, Role: grievance.RoleHandler,
		NotAcceptedReason: grievance.NotAcceptedUnrecorded, ReferralText: "unrecorded"}
	agreed := grievance.ReferralChange{From: grievance.ReferralDialogue, To: grievance.ReferralRemedyAgreed, Role: grievance.RoleHandler,
		CaseStage: grievance.CaseAccepted, RemedyTypes: []grievance.RemedyType{grievance.RemedyUnrecorded}}

	var re *grievance.RuleError
	if err := grievance.CheckCaseChange(notAccepted); !errors.As(err, &re) || re.Code != "invalid_code" || re.Field != "not_accepted_reason" {
		t.Fatalf("live not-accepted with %q: %v", grievance.NotAcceptedUnrecorded, err)
	}
	if err := grievance.CheckReferralChange(agreed); !errors.As(err, &re) || re.Code != "invalid_code" || re.Field != "remedy_types" {
		t.Fatalf("live remedy agreed with %q: %v", grievance.RemedyUnrecorded, err)
	}

	notAccepted.Historic, agreed.Historic = true, true
	if err := grievance.CheckCaseChange(notAccepted); err != nil {
		t.Fatalf("historic not-accepted with %q refused: %v", grievance.NotAcceptedUnrecorded, err)
	}
	if err := grievance.CheckReferralChange(agreed); err != nil {
		t.Fatalf("historic remedy agreed with %q refused: %v", grievance.RemedyUnrecorded, err)
	}

	// Historic relaxes nothing else: an unknown code, or a move the table forbids, is still refused.
	notAccepted.NotAcceptedReason = "no_reason_at_all"
	if err := grievance.CheckCaseChange(notAccepted); !errors.As(err, &re) || re.Code != "invalid_code" {
		t.Fatalf("historic not-accepted with an unknown code: %v", err)
	}
	if err := grievance.CheckCaseChange(grievance.CaseChange{From: grievance.CaseReceived, To: grievance.CaseClosed, Role: grievance.RoleHandler,
		Outcome: "resolved", Historic: true}); !errors.As(err, &re) || re.Code != "illegal_transition" {
		t.Fatalf("historic received → closed: %v", err)
	}

	// The lists pages offer handlers do not hold them.
	if slices.Contains(grievance.NotAcceptedReasons, grievance.NotAcceptedUnrecorded) || slices.Contains(grievance.RemedyTypes, grievance.RemedyUnrecorded) {
		t.Fatal("the code lists offered to handlers include unrecorded")
	}
}
