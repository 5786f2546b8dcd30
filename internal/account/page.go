package account

import (
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// navigation lists each role's places, its home first.
var navigation = map[grievance.Role][]web.NavLink{
	grievance.RoleHandler: {
		{Path: "/desk", Key: "nav.desk.inbox"},
		{Path: "/desk/intake", Key: "nav.desk.intake"},
		{Path: "/desk/approvals", Key: "nav.desk.approvals"},
		{Path: "/reports/annual", Key: "nav.reports.annual"},
		{Path: "/reports/disclosure", Key: "nav.reports.disclosure"},
	},
	grievance.RoleAdmin: {
		{Path: "/admin/members", Key: "nav.admin.members"},
		{Path: "/admin/users", Key: "nav.admin.users"},
		{Path: "/admin/settings", Key: "nav.admin.settings"},
		{Path: "/reports/annual", Key: "nav.reports.annual"},
		{Path: "/reports/disclosure", Key: "nav.reports.disclosure"},
	},
	grievance.RoleMember: {
		{Path: "/member", Key: "nav.member.referrals"},
		{Path: "/reports/disclosure", Key: "nav.reports.disclosure"},
	},
	grievance.RoleExpert: {
		{Path: "/expert", Key: "nav.expert.cases"},
	},
	grievance.RolePanel: {
		{Path: "/reports/annual", Key: "nav.reports.annual"},
	},
}

// HomeFor is where a role lands after signing in.
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

// CurrentUser is the signed-in user of a request that passed Require.
func CurrentUser(r *http.Request) store.User {
	u, _ := UserFrom(r.Context())
	return u
}

// NotFound answers a staff page that does not exist or is not the user's to see: the two look
// alike, so an id reveals nothing.
func (h *Handler) NotFound(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "notice.not_found_title")
	p.Data = "common.not_found"
	h.render.Render(w, http.StatusNotFound, "notice", p)
}

// Fail answers a staff page's error: not found and forbidden as NotFound, a form over its size
// limit as 413, anything else logged (the route and the error only, never request content) and
// answered 500.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrForbidden):
		h.NotFound(w, r)
	case errors.As(err, &tooBig):
		p := h.Page(r, "common.too_large_title")
		p.Data = "common.too_large"
		h.render.Render(w, http.StatusRequestEntityTooLarge, "notice", p)
	default:
		h.log.Error("staff page failed", "route", r.Pattern, "error", err.Error())
		status, key := web.Failure(w, err)
		p := h.Page(r, "notice."+key+"_title")
		p.Data = "notice." + key
		h.render.Render(w, status, "notice", p)
	}
}
