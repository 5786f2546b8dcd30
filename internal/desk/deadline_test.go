package desk_test

import (
	"html"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestDeadlinesReadTheSameForHandlerAndReporter files a report at moments near midnight, in UTC
// and in the platform's zone (Asia/Tokyo), and reads its acknowledgement deadline on the desk's
// inbox, the desk's case page and the reporter's follow-up page: one date on all three, the
// last day of the 7 days, and the desk says what is due.
func TestDeadlinesReadTheSameForHandlerAndReporter(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	desk := regexp.MustCompile(`<time datetime="([0-9-]+)">Acknowledge by ([0-9-]+)</time>`)
	reporter := regexp.MustCompile(`We will confirm it and start looking at it by ([0-9-]+)\.`)
	for _, tc := range []struct {
		name     string
		received time.Time
		last     string
	}{
		{"a minute before midnight in Tokyo", time.Date(2026, 12, 1, 23, 59, 0, 0, tokyo), "2026-12-08"},
		{"a minute after midnight in Tokyo", time.Date(2026, 12, 2, 0, 1, 0, 0, tokyo), "2026-12-09"},
		{"a minute before midnight UTC", time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), "2026-12-09"},
		{"a minute after midnight UTC", time.Date(2026, 12, 2, 0, 1, 0, 0, time.UTC), "2026-12-09"},
		{"the Tokyo morning of a UTC evening", time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC), "2026-12-09"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The pages are read a minute after the report came in.
			now := tc.received.Add(time.Minute)
			s := storetest.Open(t, store.SQLite, storetest.Options{Now: func() time.Time { return now }})
			site := stafftest.New(t, s)
			r := stafftest.Report("JP", "Wages unpaid for two months.")
			r.ReceivedAt = tc.received
			f := site.File(r)
			handler := site.SignIn(site.User(grievance.RoleHandler, 0))

			var dates []string
			for _, path := range []string{"/desk", "/desk/cases/" + strconv.FormatInt(f.CaseID, 10)} {
				body := html.UnescapeString(handler.Get(path).Body)
				m := desk.FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("%s says no 'Acknowledge by …'", path)
				}
				if m[1] != m[2] {
					t.Fatalf("%s: datetime %s for the date %s", path, m[1], m[2])
				}
				dates = append(dates, m[2])
			}
			body := html.UnescapeString(site.Reporter(f.CaseID).Get("/follow-up/case").Body)
			m := reporter.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("the reporter's page gives no date")
			}
			dates = append(dates, m[1])
			for i, d := range dates {
				if d != tc.last {
					t.Fatalf("inbox, case page, reporter: %v; want %s on each (page %d differs)", dates, tc.last, i+1)
				}
			}
		})
	}
}
