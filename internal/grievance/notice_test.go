package grievance

import (
	"testing"
	"time"
)

func TestNoticeBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := NoticeBackoff(i + 1); got != w {
			t.Errorf("after attempt %d: %v, want %v", i+1, got, w)
		}
	}
	c := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if NoticeGivenUp(c, c.Add(72*time.Hour-time.Second)) || !NoticeGivenUp(c, c.Add(72*time.Hour)) {
		t.Error("a notice is given up after three days, not before")
	}
}

func TestNoticeDelivery(t *testing.T) {
	for _, tc := range []struct {
		role         Role
		kind         NoticeKind
		mode         NoticeMode
		send, digest bool
	}{
		{RoleHandler, NoticeCaseFiled, NoticeImmediate, true, false},
		{RoleHandler, NoticeCaseFiled, NoticeDigest, true, true},
		{RoleHandler, NoticeCaseFiled, NoticeOff, false, false},
		{RoleHandler, NoticeOverdue, NoticeOff, true, true},       // cannot be turned off
		{RoleHandler, NoticeOverdue, NoticeImmediate, true, true}, // a daily digest
		{RoleMember, NoticeReferralNew, NoticeOff, false, false},
		{RoleMember, NoticeOverdue, NoticeImmediate, false, true},
	} {
		send, digest := NoticeDelivery(tc.role, tc.kind, tc.mode)
		if send != tc.send || (send && digest != tc.digest) {
			t.Errorf("%s %s %s: send %v digest %v", tc.role, tc.kind, tc.mode, send, digest)
		}
	}
}

func TestNextDigest(t *testing.T) {
	tl := DefaultTimeline(time.FixedZone("JST", 9*3600))
	for at, want := range map[string]string{
		"2026-05-11T07:59:00+09:00": "2026-05-11T08:00:00+09:00",
		"2026-05-11T08:00:00+09:00": "2026-05-12T08:00:00+09:00",
		"2026-05-11T23:30:00+09:00": "2026-05-12T08:00:00+09:00",
	} {
		a, _ := time.Parse(time.RFC3339, at)
		if got := tl.NextDigest(a).Format(time.RFC3339); got != want {
			t.Errorf("NextDigest(%s) = %s, want %s", at, got, want)
		}
	}
}

func TestReminders(t *testing.T) {
	due := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		stage CaseStage
		now   time.Time
		kind  NoticeKind
	}{
		{CaseScreening, due.AddDate(0, 0, -4), ""},
		{CaseScreening, due.AddDate(0, 0, -3), NoticeDueSoon},
		{CaseScreening, due.Add(-time.Second), NoticeDueSoon},
		{CaseScreening, due, NoticeOverdue},
		{CaseAccepted, due.AddDate(0, 0, -1), NoticeNewsDue},
		{CaseAwaitingInformation, due.Add(-time.Second), NoticeDueSoon},
		{CaseAwaitingInformation, due, NoticeAnswerTimedOut},
		{CaseClosed, due, ""},
	} {
		kind, _ := CaseReminder(tc.stage, due, tc.now, 3)
		if kind != tc.kind {
			t.Errorf("%s at %v: %q, want %q", tc.stage, tc.now, kind, tc.kind)
		}
	}
	if AnswerTimedOut(CaseAwaitingInformation, due, due.Add(-time.Nanosecond)) || !AnswerTimedOut(CaseAwaitingInformation, due, due) {
		t.Error("an answer times out at its deadline, not before")
	}
	for _, tc := range []struct {
		stage ReferralStage
		now   time.Time
		kind  NoticeKind
	}{
		{ReferralForwarded, due.AddDate(0, 0, -2), NoticeDueSoon},
		{ReferralForwarded, due, NoticeEscalated},
		{ReferralMonitoring, due, NoticeMonitoringDue},
		{ReferralConcluded, due, ""},
	} {
		if kind, _ := ReferralReminder(tc.stage, due, tc.now, 3); kind != tc.kind {
			t.Errorf("%s at %v: %q, want %q", tc.stage, tc.now, kind, tc.kind)
		}
	}
}

func TestAnnualReportReady(t *testing.T) {
	tl := DefaultTimeline(time.UTC)
	if fy, ok := tl.AnnualReportReady(time.Date(2027, 4, 5, 0, 0, 0, 0, time.UTC)); !ok || fy != 2026 {
		t.Errorf("early April 2027: %d %v, want fiscal year 2026", fy, ok)
	}
	if _, ok := tl.AnnualReportReady(time.Date(2027, 6, 5, 0, 0, 0, 0, time.UTC)); ok {
		t.Error("June announces no report")
	}
}

func TestValidNotifyEmail(t *testing.T) {
	for addr, ok := range map[string]bool{
		"worker@example.org": true, "a.b+c@mail.example.co.jp": true,
		"": false, "worker": false, "Worker <w@example.org>": false, "w@localhost": false, "w@ex ample.org": false,
	} {
		if ValidNotifyEmail(addr) != ok {
			t.Errorf("ValidNotifyEmail(%q) != %v", addr, ok)
		}
	}
}
