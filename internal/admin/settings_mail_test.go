package admin_test

import (
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestSettingsSayMailIsOff: without an SMTP server the settings page says mail is off, shows
// the outbox filling, and the test button explains there is nothing to send to.
func TestSettingsSayMailIsOff(t *testing.T) {
	st := stafftest.New(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	st.User(grievance.RoleHandler, 0)
	st.File(stafftest.Report("VN", "x", grievance.CompanyRef{Name: "A"}))
	c := st.SignIn(st.User(grievance.RoleAdmin, 0))
	page := c.Get("/admin/settings")
	if page.Status != 200 || !strings.Contains(page.Body, "Mail is off") || !strings.Contains(page.Body, "1 waiting") {
		t.Fatalf("settings: %d\n%s", page.Status, page.Body)
	}
	if r := c.Post("/admin/settings/mail-test", nil); r.Status != 303 || !strings.Contains(r.Location, "mail=off") {
		t.Fatalf("test message with mail off: %d %s", r.Status, r.Location)
	}
}
