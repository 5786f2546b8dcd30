package account_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestNotificationPrefsPage: every user reaches their own choice from the page frame and saves
// it; a handler is told the overdue digest stays on; nonsense is refused.
func TestNotificationPrefsPage(t *testing.T) {
	st := stafftest.New(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	member := st.Member("Example Garments Ltd", "")
	for _, u := range []store.User{st.User(grievance.RoleHandler, 0), st.User(grievance.RoleMember, member)} {
		c := st.SignIn(u)
		home := c.Get("/staff/notifications")
		if home.Status != 200 || !strings.Contains(home.Body, `value="immediate" checked`) {
			t.Fatalf("%s: %d", u.Role, home.Status)
		}
		if note := strings.Contains(home.Body, "overdue"); note != (u.Role == grievance.RoleHandler) {
			t.Errorf("%s: overdue note shown %v", u.Role, note)
		}
		if r := c.Post("/staff/notifications", url.Values{"mode": {"sometimes"}, "language": {"en"}}); r.Status != 422 {
			t.Errorf("%s: a bad mode: %d", u.Role, r.Status)
		}
		if r := c.Post("/staff/notifications", url.Values{"mode": {"digest"}, "language": {"ja"}}); r.Status != 303 {
			t.Fatalf("%s: save: %d", u.Role, r.Status)
		}
		p, err := st.Store.NoticePref(context.Background(), u.ID)
		if err != nil || p.Mode != grievance.NoticeDigest || p.Language != "ja" {
			t.Errorf("%s: saved %+v %v", u.Role, p, err)
		}
		if !strings.Contains(c.Get("/member").Body+c.Get("/desk").Body, `href="/staff/notifications"`) {
			t.Errorf("%s: no link to the notifications page", u.Role)
		}
	}
}
