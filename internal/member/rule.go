package member

import (
	"errors"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// textLimit bounds a message, an assessment or a note, as a report's description is bounded.
var textLimit = grievance.DefaultLimits.TextRunes

func tooLong(s string) bool { return utf8.RuneCountInString(s) > textLimit }

// ruleMessage says in the page's language why the rules refused something.
func ruleMessage(t func(string, ...any) string, err error) string {
	var re *grievance.RuleError
	if !errors.As(err, &re) {
		return t("member.rule.other")
	}
	stage := func(s string) string {
		if grievance.ReferralStage(s).Valid() {
			return t("code.referral_stage." + s)
		}
		return s
	}
	switch re.Code {
	case "illegal_transition", "role_not_allowed", "unknown_stage":
		return t("member.rule."+re.Code, stage(re.From), stage(re.To))
	case "case_not_accepted", "reason_required", "outcome_required", "remedy_types_required", "invalid_code",
		"monitoring_not_open", "note_required":
		return t("member.rule." + re.Code)
	}
	return t("member.rule.other")
}

// errTooLong is a text over textLimit, refused before the store is asked.
var errTooLong = errors.New("text too long")
