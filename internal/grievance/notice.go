package grievance

import (
	"net/mail"
	"strings"
	"time"
)

// NoticeKind is what a notification tells its recipient: that something happened on a case, or
// that a deadline calls. A notice carries no case content, only its kind and the case's
// reference; the recipient signs in to read more.
type NoticeKind string

const (
	NoticeCaseFiled          NoticeKind = "case_filed"          // a new report: handlers
	NoticeReporterMessage    NoticeKind = "reporter_message"    // the reporter wrote: handlers
	NoticeCompanyAnswer      NoticeKind = "company_answer"      // a company gave its initial assessment: handlers
	NoticeCompanyMessage     NoticeKind = "company_message"     // a company wrote: handlers
	NoticeDueSoon            NoticeKind = "due_soon"            // a deadline within a few days: handlers; members for their referrals
	NoticeNewsDue            NoticeKind = "news_due"            // the reporter has soon heard nothing for the published period: handlers
	NoticeOverdue            NoticeKind = "overdue"             // a case's deadline passed: handlers, daily
	NoticeAnswerTimedOut     NoticeKind = "answer_timed_out"    // no answer came; the case is back in screening: handlers
	NoticeEscalated          NoticeKind = "escalated"           // a company missed its response deadline: handlers and the company
	NoticeMonitoringDue      NoticeKind = "monitoring_due"      // a monitoring check is due: handlers and the company
	NoticeReferralNew        NoticeKind = "referral_new"        // a case was referred to the company: members
	NoticeSecretariatMessage NoticeKind = "secretariat_message" // the secretariat wrote to the company: members
	NoticeExpertAssigned     NoticeKind = "expert_assigned"     // a case was assigned to the expert
	NoticeAnnualReport       NoticeKind = "annual_report"       // last fiscal year's annual report is ready: panel
	NoticeReporterNews       NoticeKind = "reporter_news"       // there is news on the case: its reporter, if they left an address
)

// NoticeKinds lists every kind, for catalogs and tests.
var NoticeKinds = []NoticeKind{
	NoticeCaseFiled, NoticeReporterMessage, NoticeCompanyAnswer, NoticeCompanyMessage, NoticeDueSoon,
	NoticeNewsDue, NoticeOverdue, NoticeAnswerTimedOut, NoticeEscalated, NoticeMonitoringDue,
	NoticeReferralNew, NoticeSecretariatMessage, NoticeExpertAssigned, NoticeAnnualReport, NoticeReporterNews,
}

// NoticeRecipients are the roles a notice of kind k goes to. onReferral says the event is about
// one company's referral, whose member users hear of their own deadlines.
func NoticeRecipients(k NoticeKind, onReferral bool) []Role {
	switch k {
	case NoticeDueSoon:
		if onReferral {
			return []Role{RoleHandler, RoleMember}
		}
		return []Role{RoleHandler}
	case NoticeEscalated, NoticeMonitoringDue:
		return []Role{RoleHandler, RoleMember}
	case NoticeReferralNew, NoticeSecretariatMessage:
		return []Role{RoleMember}
	case NoticeExpertAssigned:
		return []Role{RoleExpert}
	case NoticeAnnualReport:
		return []Role{RolePanel}
	case NoticeReporterNews:
		return []Role{RoleReporter}
	}
	return []Role{RoleHandler}
}

// NoticeMode is what a user chose to receive.
type NoticeMode string

const (
	NoticeImmediate NoticeMode = "immediate" // one mail per notice, as it happens (the default)
	NoticeDigest    NoticeMode = "digest"    // one mail a day listing them
	NoticeOff       NoticeMode = "off"       // none
)

// Valid reports whether m is a known mode.
func (m NoticeMode) Valid() bool {
	return m == NoticeImmediate || m == NoticeDigest || m == NoticeOff
}

// NoticeDelivery says whether a user of role r who chose mode m gets a notice of kind k, and
// whether it waits for their daily digest. A handler's overdue cases always reach them, in the
// daily digest, whatever they chose: that is the one reminder a secretariat cannot silence.
func NoticeDelivery(r Role, k NoticeKind, m NoticeMode) (send, digest bool) {
	if k == NoticeOverdue {
		return r == RoleHandler, true
	}
	switch m {
	case NoticeOff:
		return false, false
	case NoticeDigest:
		return true, true
	}
	return true, false
}

// DigestHour is the local hour the daily digests go out.
const DigestHour = 8

// NextDigest is when a digest notice queued at now goes out: the next DigestHour o'clock in the
// platform's zone, later the same day or the next.
func (t Timeline) NextDigest(now time.Time) time.Time {
	local := now.In(t.Zone)
	y, m, d := local.Date()
	at := time.Date(y, m, d, DigestHour, 0, 0, 0, t.Zone)
	if !at.After(local) {
		at = time.Date(y, m, d+1, DigestHour, 0, 0, 0, t.Zone)
	}
	return at
}

// Delivery retries: a mail the SMTP server did not accept is tried again after a minute, then
// after twice as long each time up to an hour, and given up only after NoticeGiveUpAfter, so
// that a mail server down for a day or a weekend loses nothing.
const (
	NoticeFirstRetry  = time.Minute
	NoticeMaxRetry    = time.Hour
	NoticeGiveUpAfter = 72 * time.Hour
)

// NoticeBackoff is the wait after the attempts-th failed attempt (1 for the first).
func NoticeBackoff(attempts int) time.Duration {
	d := NoticeFirstRetry
	for i := 1; i < attempts && d < NoticeMaxRetry; i++ {
		d *= 2
	}
	return min(d, NoticeMaxRetry)
}

// NoticeGivenUp reports whether a notice queued at created and not delivered by now is given up.
func NoticeGivenUp(created, now time.Time) bool { return now.Sub(created) >= NoticeGiveUpAfter }

// CaseReminder says which notice a case's deadline calls for at now, if any: a case awaiting
// the reporter's answer past its deadline times out (and goes back to screening), any other
// overdue case is overdue, and one whose deadline falls within soonDays is due soon (for an
// accepted or suspended case, the deadline is the next news owed to the reporter).
func CaseReminder(s CaseStage, due, now time.Time, soonDays int) (NoticeKind, bool) {
	if due.IsZero() || s.Final() {
		return "", false
	}
	if Overdue(due, now) {
		if s == CaseAwaitingInformation {
			return NoticeAnswerTimedOut, true
		}
		return NoticeOverdue, true
	}
	if dueSoon(due, now, soonDays) {
		if s == CaseAccepted || s == CaseSuspended {
			return NoticeNewsDue, true
		}
		return NoticeDueSoon, true
	}
	return "", false
}

// AnswerTimedOut reports whether a case awaiting the reporter's answer goes back to screening
// without it: its answer deadline has passed.
func AnswerTimedOut(s CaseStage, due, now time.Time) bool {
	return s == CaseAwaitingInformation && Overdue(due, now)
}

// ReferralReminder says which notice a referral's deadline calls for at now, if any: a company
// late with its initial response is escalated, a monitored remedy whose check is late is due a
// check, and any deadline within soonDays is due soon.
func ReferralReminder(s ReferralStage, due, now time.Time, soonDays int) (NoticeKind, bool) {
	if due.IsZero() || s.Final() {
		return "", false
	}
	switch {
	case Escalated(s, due, now):
		return NoticeEscalated, true
	case s == ReferralMonitoring && Overdue(due, now):
		return NoticeMonitoringDue, true
	case dueSoon(due, now, soonDays):
		return NoticeDueSoon, true
	}
	return "", false
}

// dueSoon: the deadline has not passed and falls within days calendar days.
func dueSoon(due, now time.Time, days int) bool {
	return now.Before(due) && !now.Before(due.AddDate(0, 0, -days))
}

// AnnualReportReady says which fiscal year's annual report the panel is told is ready at now:
// the year just ended, during the first AnnualReportNoticeDays of the next.
func (t Timeline) AnnualReportReady(now time.Time) (fiscalYear int, ok bool) {
	fy := t.FiscalYear(now)
	start, _ := t.FiscalYearSpan(fy)
	return fy - 1, now.Before(start.AddDate(0, 0, AnnualReportNoticeDays))
}

// AnnualReportNoticeDays is how long into a fiscal year the panel is told last year's report is
// ready (a platform started later does not announce an old report).
const AnnualReportNoticeDays = 30

// ValidNotifyEmail accepts a plain address (no display name, no comments) of at most 254
// bytes, as a reporter types it to hear of news on their case.
func ValidNotifyEmail(addr string) bool {
	if len(addr) > 254 || strings.ContainsAny(addr, " \t\r\n<>\"(),;") {
		return false
	}
	a, err := mail.ParseAddress(addr)
	return err == nil && a.Name == "" && a.Address == addr && strings.Contains(addr[strings.LastIndex(addr, "@")+1:], ".")
}
