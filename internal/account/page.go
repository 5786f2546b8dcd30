package account

import (
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/web"
)

// navigation lists each role's places, its home first.
var navigation = map[grievance.Role][]web.NavLink{
	grievance.RoleHandler: {
		{Path: "/desk", Key: "nav.desk.inbox"},
		{Path: "/desk/intake", Key: "nav.desk.intake"},
	},
	grievance.RoleAdmin: {
		{Path: "/admin/members", Key: "nav.admin.members"},
		{Path: "/admin/users", Key: "nav.admin.users"},
		{Path: "/admin/settings", Key: "nav.admin.settings"},
	},
	grievance.RoleMember: {
		{Path: "/member", Key: "nav.member.referrals"},
	},
	grievance.RoleExpert: {
		{Path: "/expert", Key: "nav.expert.cases"},
	},
}

// HomeFor is where a role lands after signing in. The panel's place is the public statistics.
func HomeFor(r grievance.Role) string {
	if nav := navigation[r]; len(nav) > 0 {
		return nav[0].Path
	}
	return "/"
}

// Page starts a staff page for the signed-in user (the request must have passed Require), with
// dates in the platform's time zone.
func (h *Handler) Page(r *http.Request, titleKey string) *web.Page {
	u, _ := UserFrom(r.Context())
	p := web.NewStaffPage(r, titleKey, web.StaffFrame{Name: u.DisplayName, Role: string(u.Role), Nav: navigation[u.Role]})
	p.Zone = h.store.Timeline().Zone
	return p
}
