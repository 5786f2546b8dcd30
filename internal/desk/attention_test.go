package desk_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// newOn lists the references the page marks "New".
func newOn(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`>(R-\d{4}-\d{5})</a> <span class="badge-new">New</span>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestInboxMarksWhatIsNewToTheHandler: a report nobody opened is new; opening it clears the
// mark; the handler's own message does not bring it back, a colleague's and the reporter's do.
func TestInboxMarksWhatIsNewToTheHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		f := site.File(stafftest.Report("VN", "Wages unpaid."))
		ann := site.User(grievance.RoleHandler, 0)
		bob := site.User(grievance.RoleHandler, 0)
		a, b := site.SignIn(ann), site.SignIn(bob)
		marked := func(c *stafftest.Client) bool {
			t.Helper()
			return strings.Join(newOn(c.Get("/desk").Body), " ") == f.Reference
		}
		if !marked(a) {
			t.Fatal("a new report is not marked new")
		}
		a.Get("/desk/cases/" + itoa(f.CaseID))
		if marked(a) {
			t.Fatal("opening the case leaves it new")
		}
		if !marked(b) {
			t.Fatal("Ann's look cleared Bob's mark")
		}
		if got := a.Post("/desk/cases/"+itoa(f.CaseID)+"/messages", url.Values{"thread": {"internal"}, "body": {"A note."}}); got.Status != 303 {
			t.Fatalf("note: %d", got.Status)
		}
		a.Get("/desk") // the redirect's case page is not followed: the list alone must not mark it
		if marked(a) {
			t.Fatal("her own note marks the case new to her")
		}
		b.Get("/desk/cases/" + itoa(f.CaseID))
		if _, err := s.CreateMessage(context.Background(), store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: store.Actor{Role: "reporter"}, Body: "More."}); err != nil {
			t.Fatal(err)
		}
		if !marked(a) || !marked(b) {
			t.Fatal("the reporter's message is not new to both handlers")
		}
	})
}

// TestAttentionViewPutsNewMessagesFirst: over HTTP, the view lists a case with a new message
// before an overdue one, says why for each, and leaves out what needs nothing.
func TestAttentionViewPutsNewMessagesFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := stafftest.New(t, s)
		old := stafftest.Report("VN", "Old report.")
		old.ReceivedAt = time.Now().AddDate(0, 0, -20)
		overdue := site.File(old)
		written := site.File(stafftest.Report("TH", "Wrote again."))
		calm := site.File(stafftest.Report("JP", "Calm one."))
		h := site.User(grievance.RoleHandler, 0)
		for _, id := range []int64{written.CaseID, calm.CaseID} {
			if err := s.ChangeCaseStage(context.Background(), store.CaseStageChange{CaseID: id, To: grievance.CaseAcknowledged, Actor: h.Actor()}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateMessage(context.Background(), store.NewMessage{CaseID: written.CaseID, Thread: store.ThreadReporter, Author: store.Actor{Role: "reporter"}, Body: "News."}); err != nil {
			t.Fatal(err)
		}
		body := site.SignIn(h).Get("/desk?view=attention").Body
		iw, io := strings.Index(body, written.Reference), strings.Index(body, overdue.Reference)
		if iw < 0 || io < 0 || iw > io {
			t.Fatalf("new message at %d, overdue at %d: want the new message first", iw, io)
		}
		if strings.Contains(body, calm.Reference) {
			t.Error("a case that needs nothing is in the attention view")
		}
		for _, why := range []string{"New message", "Overdue"} {
			if !strings.Contains(body, "<td>"+why+"</td>") {
				t.Errorf("the view does not say %q", why)
			}
		}
		if !strings.Contains(body, `href="/desk?view=attention" aria-current="page"`) {
			t.Error("the attention tab is not marked current")
		}
	})
}
