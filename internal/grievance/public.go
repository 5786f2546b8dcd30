package grievance

// CountsInPublic reports whether a case move lets the case into the public statistics: a case
// counts once screening has let it through (accepted), or declined it for a reason that says
// something about the mechanism's work. Abusive and duplicate filings never count, so a flood of
// junk moves no public figure, before screening or after. Everything else waits for screening:
// a case withdrawn before it was screened does not count either (its reporter could be the one
// flooding).
func CountsInPublic(to CaseStage, notAccepted NotAcceptedReason) bool {
	switch to {
	case CaseAccepted:
		return true
	case CaseNotAccepted:
		return notAccepted != "abusive" && notAccepted != "duplicate"
	}
	return false
}
