package grievance

// MayGiveSatisfaction says whether a reporter may rate the mechanism for a case in stage s: once
// the case has closed with an outcome.
func MayGiveSatisfaction(s CaseStage) bool { return s == CaseClosed }

// ValidSatisfaction reports whether rating is on the 1–5 scale.
func ValidSatisfaction(rating int) bool { return rating >= 1 && rating <= 5 }
