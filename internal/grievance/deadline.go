package grievance

import "time"

// A deadline is stored as the instant it passes (Timeline.DueAt: the start of the day after the
// last day). People are told the last day: "acknowledge by the 8th" for a deadline that passes
// when the 9th begins. Every page that shows a deadline asks LastDay, so that the handler, the
// company and the reporter read the same date.

// LastDay is the last calendar day, in zone, on which a deadline that passes at due is still met:
// midnight in zone at the start of that day. The zero time has no last day.
func LastDay(due time.Time, zone *time.Location) time.Time {
	if due.IsZero() {
		return time.Time{}
	}
	y, m, d := due.In(zone).Add(-time.Nanosecond).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// LastDay is LastDay in the platform's zone.
func (t Timeline) LastDay(due time.Time) time.Time { return LastDay(due, t.Zone) }

// DueWhat names what a deadline asks for, so that a page says "Acknowledge by …" rather than
// "Due …". The catalogs have a key per value.
type DueWhat string

const (
	DueAcknowledge     DueWhat = "acknowledge"      // the secretariat acknowledges the report
	DueScreening       DueWhat = "screening"        // the secretariat decides whether to take it up
	DueReporterAnswer  DueWhat = "reporter_answer"  // the reporter answers the secretariat's question
	DueReporterUpdate  DueWhat = "reporter_update"  // the secretariat sends the reporter news
	DueCompanyResponse DueWhat = "company_response" // the company's initial assessment
	DueMonitoringCheck DueWhat = "monitoring_check" // the next check of an agreed remedy
)

// CaseDueWhat is what the deadline of a case in stage s asks for (Timeline.CaseDue); "" when
// the stage has none.
func CaseDueWhat(s CaseStage) DueWhat {
	switch s {
	case CaseReceived:
		return DueAcknowledge
	case CaseAcknowledged, CaseScreening:
		return DueScreening
	case CaseAwaitingInformation:
		return DueReporterAnswer
	case CaseAccepted, CaseSuspended:
		return DueReporterUpdate
	}
	return ""
}

// ReferralDueWhat is what the deadline of a referral in stage s asks for (Timeline.ReferralDue).
func ReferralDueWhat(s ReferralStage) DueWhat {
	switch s {
	case ReferralForwarded:
		return DueCompanyResponse
	case ReferralMonitoring:
		return DueMonitoringCheck
	}
	return ""
}
