package grievance

import (
	"testing"
	"time"
)

func TestLastDayIsTheDayBeforeTheDeadlinePasses(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	// The zone is a setting: a secretariat west of UTC reads the same rule.
	lima, err := time.LoadLocation("America/Lima")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		zone     *time.Location
		received time.Time
		want     string // the last day to acknowledge (7 days)
	}{
		{"Tokyo, just after midnight", tokyo, time.Date(2026, 12, 1, 0, 0, 1, 0, tokyo), "2026-12-08"},
		{"Tokyo, just before midnight", tokyo, time.Date(2026, 12, 1, 23, 59, 59, 0, tokyo), "2026-12-08"},
		{"Tokyo, 23:30 UTC is the next morning there", tokyo, time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), "2026-12-08"},
		{"Tokyo, 14:59 UTC is the last minute of the day there", tokyo, time.Date(2026, 12, 1, 14, 59, 0, 0, time.UTC), "2026-12-08"},
		{"Tokyo, 15:00 UTC is the next day there", tokyo, time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC), "2026-12-09"},
		{"UTC, just before midnight", time.UTC, time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC), "2026-12-08"},
		{"UTC, at midnight", time.UTC, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), "2026-12-09"},
		{"Lima, just before midnight", lima, time.Date(2026, 12, 1, 23, 59, 59, 0, lima), "2026-12-08"},
		{"Lima, 04:59 UTC is still the day before there", lima, time.Date(2026, 12, 2, 4, 59, 0, 0, time.UTC), "2026-12-08"},
		{"across the year", tokyo, time.Date(2026, 12, 28, 12, 0, 0, 0, tokyo), "2027-01-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := DefaultTimeline(tc.zone)
			due := tl.DueAt(tc.received, tl.AcknowledgeDays)
			last := tl.LastDay(due)
			if got := last.Format("2006-01-02"); got != tc.want {
				t.Fatalf("last day %s, want %s (due %s)", got, tc.want, due)
			}
			// The whole last day meets the deadline; the next day does not.
			if Overdue(due, last.Add(24*time.Hour-time.Nanosecond)) || !Overdue(due, last.Add(24*time.Hour)) {
				t.Fatalf("deadline %s is not the end of %s", due, tc.want)
			}
		})
	}
	if !LastDay(time.Time{}, time.UTC).IsZero() {
		t.Fatal("no deadline has a last day")
	}
}

// Every stage with a deadline says what is due, and no other does.
func TestEveryDeadlineSaysWhatIsDue(t *testing.T) {
	tl := DefaultTimeline(time.UTC)
	now := time.Now()
	for _, s := range CaseStages {
		_, has := tl.CaseDue(s, CaseDates{ReceivedAt: now, AcknowledgedAt: now, StageEnteredAt: now, LastReporterNews: now})
		if has != (CaseDueWhat(s) != "") {
			t.Errorf("case stage %s: deadline %v, says %q", s, has, CaseDueWhat(s))
		}
	}
	for _, s := range ReferralStages {
		_, has := tl.ReferralDue(s, now)
		if has != (ReferralDueWhat(s) != "") {
			t.Errorf("referral stage %s: deadline %v, says %q", s, has, ReferralDueWhat(s))
		}
	}
}
