package member_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

const newBadge = `<span class="badge-new">New</span>`

// isNew reports whether the company's list marks its one referral new.
func isNew(t *testing.T, c *stafftest.Client) bool {
	t.Helper()
	got := c.Get("/member")
	if got.Status != 200 {
		t.Fatalf("list: %d", got.Status)
	}
	return strings.Contains(got.Body, newBadge)
}

// TestMemberNewMarks: a company sees "New" on its own referral for what the secretariat did on
// it, never for what happened on another company's referral or in the case's other threads, and
// not for its own moves; opening the referral clears it.
func TestMemberNewMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := setup(t, s)
		if !isNew(t, x.alpha) || !isNew(t, x.beta) {
			t.Fatal("a referral just forwarded is not new to its company")
		}
		x.alpha.Get(ref(x.ra))
		x.beta.Get(ref(x.rb))
		if isNew(t, x.alpha) || isNew(t, x.beta) {
			t.Fatal("opening the referral leaves it new")
		}
		// The secretariat writes to Alpha, the reporter and itself; Alpha answers and moves.
		for _, m := range []store.NewMessage{
			{Thread: store.ThreadCompany, ReferralID: x.ra, Author: x.desk, Body: "to Alpha"},
			{Thread: store.ThreadReporter, Author: store.Actor{Role: "reporter"}, Body: "from the reporter"},
			{Thread: store.ThreadInternal, Author: x.desk, Body: "a note"},
		} {
			m.CaseID = x.f.CaseID
			if _, err := s.CreateMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if got := x.alpha.Post(ref(x.ra)+"/stage", url.Values{"to": {"responded"}, "reason": {"Our assessment."}}); got.Status != 303 {
			t.Fatalf("Alpha's move: %d %s", got.Status, got.Body)
		}
		if isNew(t, x.beta) {
			t.Fatal("Beta's referral is marked new by what happened on Alpha's and in the case's other threads")
		}
		if !isNew(t, x.alpha) {
			t.Fatal("the secretariat's message to Alpha is not new to Alpha")
		}
		x.alpha.Get(ref(x.ra))
		if got := x.alpha.Post(ref(x.ra)+"/messages", url.Values{"body": {"Our reply."}}); got.Status != 303 {
			t.Fatalf("Alpha's reply: %d", got.Status)
		}
		if isNew(t, x.alpha) {
			t.Fatal("Alpha's own reply marks its referral new to Alpha")
		}
		// A colleague at Alpha sees the move as new: someone else made it.
		colleague := x.site.SignIn(x.site.User(grievance.RoleMember, x.alphaID))
		if !isNew(t, colleague) {
			t.Fatal("a colleague does not see Alpha's moves as new")
		}
	})
}
