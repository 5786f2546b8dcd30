package grievance_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones must not depend on the machine running the tests

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// jst is a fixed +09:00 zone for writing expected instants independently of the zone database.
var jst = time.FixedZone("JST", 9*60*60)

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return at
}

func TestDueAt(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	newYork := grievance.DefaultTimeline(loadZone(t, "America/New_York"))
	tests := []struct {
		name string
		tl   grievance.Timeline
		from string
		days int
		want string
	}{
		{"late evening in Tokyo counts from that Tokyo day", tokyo, "2026-04-01T23:30:00+09:00", 7, "2026-04-09T00:00:00+09:00"},
		{"early morning in Tokyo", tokyo, "2026-04-01T00:00:00+09:00", 7, "2026-04-09T00:00:00+09:00"},
		{"UTC afternoon is the next Tokyo day", tokyo, "2026-04-01T15:30:00Z", 7, "2026-04-10T00:00:00+09:00"},
		{"UTC just before Tokyo midnight", tokyo, "2026-04-01T14:59:59Z", 7, "2026-04-09T00:00:00+09:00"},
		{"month and year rollover", tokyo, "2026-12-28T10:00:00+09:00", 7, "2027-01-05T00:00:00+09:00"},
		{"leap February", tokyo, "2028-02-25T12:00:00+09:00", 7, "2028-03-04T00:00:00+09:00"},
		{"30 days across a month end", tokyo, "2026-04-03T09:00:00+09:00", 30, "2026-05-04T00:00:00+09:00"},
		{"one day", tokyo, "2026-04-01T12:00:00+09:00", 1, "2026-04-03T00:00:00+09:00"},
		// DST starts in New York on 2026-03-08: the deadline is still local midnight, so the span
		// is one hour short of a whole number of 24-hour days.
		{"New York across the March change", newYork, "2026-03-05T00:00:00-05:00", 7, "2026-03-13T00:00:00-04:00"},
		{"New York evening before the change", newYork, "2026-03-07T22:00:00-05:00", 1, "2026-03-09T00:00:00-04:00"},
		// DST ends on 2026-11-01.
		{"New York across the November change", newYork, "2026-10-30T12:00:00-04:00", 7, "2026-11-07T00:00:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.tl.DueAt(mustParse(t, tt.from), tt.days)
			want := mustParse(t, tt.want)
			if !got.Equal(want) {
				t.Fatalf("DueAt(%s, %d) = %s, want %s", tt.from, tt.days, got, want)
			}
			local := got.In(tt.tl.Zone)
			if local.Hour() != 0 || local.Minute() != 0 || local.Second() != 0 || local.Nanosecond() != 0 {
				t.Errorf("deadline %s is not local midnight", local)
			}
		})
	}
}

func TestDueAtDSTIsNotWholeDays(t *testing.T) {
	ny := grievance.DefaultTimeline(loadZone(t, "America/New_York"))
	from := mustParse(t, "2026-03-05T00:00:00-05:00")
	got := ny.DueAt(from, 7)
	if d := got.Sub(from); d != 8*24*time.Hour-time.Hour {
		t.Errorf("span across the spring change = %s, want 191h (calendar days, not 24-hour days)", d)
	}
}

func TestLocalDate(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	got := tokyo.LocalDate(mustParse(t, "2026-04-01T15:30:00Z"))
	if want := time.Date(2026, 4, 2, 0, 0, 0, 0, jst); !got.Equal(want) {
		t.Errorf("LocalDate = %s, want %s", got, want)
	}
}

func TestFiscalYear(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	tests := []struct {
		at   string
		want int
	}{
		{"2026-03-31T23:59:00+09:00", 2025},
		{"2026-04-01T00:00:00+09:00", 2026},
		{"2026-03-31T15:30:00Z", 2026}, // April 1 00:30 in Tokyo
		{"2026-03-31T14:59:59Z", 2025}, // March 31 23:59:59 in Tokyo
		{"2026-12-31T23:59:59+09:00", 2026},
		{"2027-01-01T00:00:00+09:00", 2026},
		{"2027-03-31T23:59:59+09:00", 2026},
		{"2027-04-01T00:00:00+09:00", 2027},
	}
	for _, tt := range tests {
		if got := tokyo.FiscalYear(mustParse(t, tt.at)); got != tt.want {
			t.Errorf("FiscalYear(%s) = %d, want %d", tt.at, got, tt.want)
		}
	}

	calendar := tokyo
	calendar.FiscalYearStart = time.January
	if got := calendar.FiscalYear(mustParse(t, "2026-03-31T12:00:00+09:00")); got != 2026 {
		t.Errorf("calendar fiscal year = %d, want 2026", got)
	}
}

func TestFiscalYearSpan(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	start, end := tokyo.FiscalYearSpan(2026)
	if want := time.Date(2026, 4, 1, 0, 0, 0, 0, jst); !start.Equal(want) {
		t.Errorf("start = %s, want %s", start, want)
	}
	if want := time.Date(2027, 4, 1, 0, 0, 0, 0, jst); !end.Equal(want) {
		t.Errorf("end = %s, want %s", end, want)
	}
	if fy := tokyo.FiscalYear(start); fy != 2026 {
		t.Errorf("FiscalYear(start) = %d", fy)
	}
	if fy := tokyo.FiscalYear(end.Add(-time.Nanosecond)); fy != 2026 {
		t.Errorf("FiscalYear(end-1ns) = %d", fy)
	}
	if fy := tokyo.FiscalYear(end); fy != 2027 {
		t.Errorf("FiscalYear(end) = %d, want 2027 (end is exclusive)", fy)
	}
}

func TestCaseDue(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	at := func(s string) time.Time { return mustParse(t, s) }
	received := at("2026-04-01T10:00:00+09:00")
	acknowledged := at("2026-04-03T09:00:00+09:00")
	asked := at("2026-04-20T12:00:00+09:00")
	accepted := at("2026-05-01T11:00:00+09:00")
	news := at("2026-05-10T18:00:00+09:00")

	tests := []struct {
		name  string
		stage grievance.CaseStage
		dates grievance.CaseDates
		want  string // "" means no deadline
	}{
		{"received: acknowledge within 7 days of receipt", "received",
			grievance.CaseDates{ReceivedAt: received, StageEnteredAt: received}, "2026-04-09T00:00:00+09:00"},
		{"acknowledged: screening within 30 days of acknowledgement", "acknowledged",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: acknowledged}, "2026-05-04T00:00:00+09:00"},
		{"screening: 30 days of acknowledgement, not of entering screening", "screening",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: at("2026-04-15T10:00:00+09:00")}, "2026-05-04T00:00:00+09:00"},
		{"awaiting information: 30 days after asking", "awaiting_information",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: asked}, "2026-05-21T00:00:00+09:00"},
		{"accepted: 90 days after the last news", "accepted",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: accepted, LastReporterNews: news}, "2026-08-09T00:00:00+09:00"},
		{"accepted: 90 days after acceptance when no news since", "accepted",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: accepted, LastReporterNews: asked}, "2026-07-31T00:00:00+09:00"},
		{"not accepted: none", "not_accepted",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: accepted}, ""},
		{"closed: none", "closed",
			grievance.CaseDates{ReceivedAt: received, AcknowledgedAt: acknowledged, StageEnteredAt: accepted, LastReporterNews: news}, ""},
		{"withdrawn: none", "withdrawn",
			grievance.CaseDates{ReceivedAt: received, StageEnteredAt: received}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tokyo.CaseDue(tt.stage, tt.dates)
			if tt.want == "" {
				if ok || !got.IsZero() {
					t.Fatalf("CaseDue(%s) = %s, %v; want no deadline", tt.stage, got, ok)
				}
				return
			}
			if !ok {
				t.Fatalf("CaseDue(%s): no deadline, want %s", tt.stage, tt.want)
			}
			if want := mustParse(t, tt.want); !got.Equal(want) {
				t.Fatalf("CaseDue(%s) = %s, want %s", tt.stage, got, want)
			}
		})
	}
}

func TestReferralDue(t *testing.T) {
	tokyo := grievance.DefaultTimeline(loadZone(t, "Asia/Tokyo"))
	forwarded := mustParse(t, "2026-04-10T15:00:00+09:00")
	got, ok := tokyo.ReferralDue("forwarded", forwarded)
	if want := mustParse(t, "2026-05-11T00:00:00+09:00"); !ok || !got.Equal(want) {
		t.Errorf("ReferralDue(forwarded) = %s, %v; want %s (30 days)", got, ok, want)
	}
	checked := mustParse(t, "2026-06-01T09:00:00+09:00")
	got, ok = tokyo.ReferralDue("monitoring", checked)
	if want := mustParse(t, "2026-08-31T00:00:00+09:00"); !ok || !got.Equal(want) {
		t.Errorf("ReferralDue(monitoring) = %s, %v; want %s (90 days)", got, ok, want)
	}
	for _, s := range []grievance.ReferralStage{"responded", "dialogue", "investigation", "remedy_agreed", "concluded"} {
		if got, ok := tokyo.ReferralDue(s, forwarded); ok || !got.IsZero() {
			t.Errorf("ReferralDue(%s) = %s, %v; want no deadline", s, got, ok)
		}
	}
}

func TestEscalated(t *testing.T) {
	due := mustParse(t, "2026-05-11T00:00:00+09:00")
	tests := []struct {
		name  string
		stage grievance.ReferralStage
		due   time.Time
		now   time.Time
		want  bool
	}{
		{"forwarded, before due", "forwarded", due, due.Add(-time.Nanosecond), false},
		{"forwarded, at due", "forwarded", due, due, true},
		{"forwarded, after due", "forwarded", due, due.Add(72 * time.Hour), true},
		{"forwarded, no deadline", "forwarded", time.Time{}, due, false},
		{"responded, after due", "responded", due, due.Add(time.Hour), false},
		{"monitoring, after due", "monitoring", due, due.Add(time.Hour), false},
		{"dialogue, after due", "dialogue", due, due.Add(time.Hour), false},
		{"concluded, after due", "concluded", due, due.Add(time.Hour), false},
	}
	for _, tt := range tests {
		if got := grievance.Escalated(tt.stage, tt.due, tt.now); got != tt.want {
			t.Errorf("%s: Escalated = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	due := mustParse(t, "2026-05-11T00:00:00+09:00")
	if grievance.Overdue(due, due.Add(-time.Second)) {
		t.Error("overdue before the deadline")
	}
	if !grievance.Overdue(due, due) {
		t.Error("not overdue at the deadline")
	}
	if grievance.Overdue(time.Time{}, due) {
		t.Error("no deadline is overdue")
	}
}

func TestTimelineValidate(t *testing.T) {
	tokyo := loadZone(t, "Asia/Tokyo")
	def := grievance.DefaultTimeline(tokyo)
	if err := def.Validate(); err != nil {
		t.Fatalf("default timeline refused: %v", err)
	}
	want := grievance.Timeline{
		Zone: tokyo, FiscalYearStart: time.April,
		AcknowledgeDays: 7, ScreeningDays: 30, AnswerDays: 30,
		CompanyResponseDays: 30, ReporterUpdateDays: 90, MonitoringDays: 90,
	}
	if def != want {
		t.Errorf("DefaultTimeline = %+v, want DESIGN's %+v", def, want)
	}
	bad := map[string]func(*grievance.Timeline){
		"nil zone":                func(tl *grievance.Timeline) { tl.Zone = nil },
		"0 acknowledge days":      func(tl *grievance.Timeline) { tl.AcknowledgeDays = 0 },
		"0 screening days":        func(tl *grievance.Timeline) { tl.ScreeningDays = 0 },
		"0 answer days":           func(tl *grievance.Timeline) { tl.AnswerDays = 0 },
		"0 company response days": func(tl *grievance.Timeline) { tl.CompanyResponseDays = 0 },
		"0 reporter update days":  func(tl *grievance.Timeline) { tl.ReporterUpdateDays = 0 },
		"0 monitoring days":       func(tl *grievance.Timeline) { tl.MonitoringDays = 0 },
		"negative days":           func(tl *grievance.Timeline) { tl.AcknowledgeDays = -7 },
		"more than a year":        func(tl *grievance.Timeline) { tl.MonitoringDays = 367 },
		"fiscal year start 0":     func(tl *grievance.Timeline) { tl.FiscalYearStart = 0 },
		"fiscal year start 13":    func(tl *grievance.Timeline) { tl.FiscalYearStart = 13 },
	}
	for name, mutate := range bad {
		tl := grievance.DefaultTimeline(tokyo)
		mutate(&tl)
		if err := tl.Validate(); err == nil {
			t.Errorf("%s: Validate = nil, want an error", name)
		}
	}
}

func TestMilestoneOf(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     grievance.Milestone
	}{
		{"received", "acknowledged", grievance.MilestoneAcknowledged},
		{"screening", "accepted", grievance.MilestoneScreened},
		{"screening", "not_accepted", grievance.MilestoneScreened},
		{"awaiting_information", "not_accepted", grievance.MilestoneScreened},
		{"forwarded", "responded", grievance.MilestoneCompanyAnswered},
		{"received", "withdrawn", ""},
		{"screening", "awaiting_information", ""},
		{"responded", "dialogue", ""},
	} {
		got, ok := grievance.MilestoneOf(c.from, c.to)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s → %s = %q %v, want %q", c.from, c.to, got, ok, c.want)
		}
	}
}
