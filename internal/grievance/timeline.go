package grievance

import (
	"errors"
	"time"
)

// Timeline is the secretariat's published timeline policy. Days are calendar days in Zone: a
// deadline of n days from a moment passes at the start of the local day n+1 days after that
// moment's local date, so "within 7 days" of a report received late on the 1st ends with the 8th.
type Timeline struct {
	Zone                *time.Location
	FiscalYearStart     time.Month
	AcknowledgeDays     int // after receipt
	ScreeningDays       int // screening decision, after acknowledgement
	AnswerDays          int // reporter's answer to a question before screening resumes without it
	CompanyResponseDays int // company's initial assessment, after forwarding
	ReporterUpdateDays  int // longest silence towards the reporter
	MonitoringDays      int // between monitoring checks
}

// DefaultTimeline is the policy of DESIGN section 3 in the given zone (Asia/Tokyo by default;
// loading the zone is the caller's job, this package does no I/O).
func DefaultTimeline(zone *time.Location) Timeline {
	return Timeline{
		Zone:                zone,
		FiscalYearStart:     time.April,
		AcknowledgeDays:     7,
		ScreeningDays:       30,
		AnswerDays:          30,
		CompanyResponseDays: 30,
		ReporterUpdateDays:  90,
		MonitoringDays:      90,
	}
}

// Validate refuses a policy that would make deadlines meaningless.
func (t Timeline) Validate() error {
	if t.Zone == nil {
		return errors.New("timeline: no time zone")
	}
	if t.FiscalYearStart < time.January || t.FiscalYearStart > time.December {
		return errors.New("timeline: fiscal year start must be a month")
	}
	for _, d := range []int{t.AcknowledgeDays, t.ScreeningDays, t.AnswerDays, t.CompanyResponseDays, t.ReporterUpdateDays, t.MonitoringDays} {
		if d < 1 || d > 366 {
			return errors.New("timeline: every period must be between 1 and 366 days")
		}
	}
	return nil
}

// DueAt is the instant a deadline of days calendar days from from passes.
func (t Timeline) DueAt(from time.Time, days int) time.Time {
	local := from.In(t.Zone)
	y, m, d := local.Date()
	return time.Date(y, m, d+days+1, 0, 0, 0, 0, t.Zone)
}

// LocalDate is the calendar date of at in the platform's zone, at midnight.
func (t Timeline) LocalDate(at time.Time) time.Time {
	y, m, d := at.In(t.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Zone)
}

// FiscalYear is the fiscal year at falls in, named by the calendar year it starts in
// (April 2026 – March 2027 is fiscal year 2026).
func (t Timeline) FiscalYear(at time.Time) int {
	local := at.In(t.Zone)
	if local.Month() < t.FiscalYearStart {
		return local.Year() - 1
	}
	return local.Year()
}

// FiscalYearSpan is [start, end) of fiscal year fy.
func (t Timeline) FiscalYearSpan(fy int) (start, end time.Time) {
	start = time.Date(fy, t.FiscalYearStart, 1, 0, 0, 0, 0, t.Zone)
	return start, start.AddDate(1, 0, 0)
}

// CaseDates are the moments a case's deadline depends on.
type CaseDates struct {
	ReceivedAt       time.Time
	AcknowledgedAt   time.Time
	StageEnteredAt   time.Time
	LastReporterNews time.Time // the last message or stage change the reporter was told of
}

// CaseDue is the deadline that applies to a case in stage s, if any.
func (t Timeline) CaseDue(s CaseStage, d CaseDates) (time.Time, bool) {
	switch s {
	case CaseReceived:
		return t.DueAt(d.ReceivedAt, t.AcknowledgeDays), true
	case CaseAcknowledged, CaseScreening:
		from := d.AcknowledgedAt
		if from.IsZero() {
			from = d.ReceivedAt
		}
		return t.DueAt(from, t.ScreeningDays), true
	case CaseAwaitingInformation:
		return t.DueAt(d.StageEnteredAt, t.AnswerDays), true
	case CaseAccepted, CaseSuspended:
		from := d.LastReporterNews
		if from.Before(d.StageEnteredAt) {
			from = d.StageEnteredAt
		}
		return t.DueAt(from, t.ReporterUpdateDays), true
	}
	return time.Time{}, false
}

// ReferralDue is the deadline of a referral that entered stage s (or had its last monitoring
// check) at enteredAt, if any: the company's initial response, or the next monitoring check.
func (t Timeline) ReferralDue(s ReferralStage, enteredAt time.Time) (time.Time, bool) {
	switch s {
	case ReferralForwarded:
		return t.DueAt(enteredAt, t.CompanyResponseDays), true
	case ReferralMonitoring:
		return t.DueAt(enteredAt, t.MonitoringDays), true
	}
	return time.Time{}, false
}

// Escalated reports whether a referral's company has missed its response deadline. The referral
// keeps its stage; the flag makes it stand out.
func Escalated(s ReferralStage, due, now time.Time) bool {
	return s == ReferralForwarded && !due.IsZero() && !now.Before(due)
}

// Overdue reports whether a deadline has passed.
func Overdue(due, now time.Time) bool { return !due.IsZero() && !now.Before(due) }

// Milestone names the moves the published timeline promises something about: the
// acknowledgement of a report, the screening decision and the company's initial answer. The
// statistics count how many of each were made by their deadline.
type Milestone string

const (
	MilestoneAcknowledged    Milestone = "acknowledged"
	MilestoneScreened        Milestone = "screened"
	MilestoneCompanyAnswered Milestone = "company_answered"
)

// MilestoneOf says which milestone a move from one stage to another is, if any. Stage names are
// case or referral stages (the two lists share no name).
func MilestoneOf(from, to string) (Milestone, bool) {
	switch {
	case from == string(CaseReceived) && to == string(CaseAcknowledged):
		return MilestoneAcknowledged, true
	case (from == string(CaseScreening) || from == string(CaseAwaitingInformation)) && (to == string(CaseAccepted) || to == string(CaseNotAccepted)):
		return MilestoneScreened, true
	case from == string(ReferralForwarded) && to == string(ReferralResponded):
		return MilestoneCompanyAnswered, true
	}
	return "", false
}
