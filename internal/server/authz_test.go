package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/stafftest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// access is who may use a route.
type access int

const (
	public     access = iota // anyone, signed in or not
	reporter                 // a reporter with a receipt or a reporter session; no staff session counts
	token                    // an API bearer token; no staff session counts
	signedIn                 // any staff user with a session (the sign-in steps, home, sign-out)
	handler                  // the secretariat's case handlers
	admin                    // administrators
	member                   // member companies' users, for their own company's referrals only
	expert                   // experts, for cases assigned to them only
	panel                    // Stakeholder Panel members
	signOut                  // harmless without a session: anyone may sign out
	reports                  // the annual report: handlers, admins and the panel
	disclosure               // the disclosure report: handlers, admins, and members for their own company
)

// allows says whether a user of role may use a route with rule.
func allows(rule, role access) bool {
	switch rule {
	case reports:
		return role == handler || role == admin || role == panel
	case disclosure:
		return role == handler || role == admin || role == member
	}
	return rule == role
}

// rules says who may use each route. A route missing here fails TestEveryRouteHasAnAccessRule:
// adding a page means deciding who may see it.
var rules = map[string]access{
	"GET /healthz":                   public,
	"GET /livez":                     public,
	"GET /readyz":                    public,
	"GET /static/":                   public,
	"POST /api/v1/reports":           public,
	"GET /api/v1/reporter/case":      reporter,
	"POST /api/v1/reporter/messages": reporter,
	"GET /api/v1/me":                 token,
	"GET /{$}":                       public,
	"GET /rules":                     public,
	"GET /language":                  public,
	"GET /report":                    public,
	"POST /report":                   public,
	"GET /follow-up":                 public,
	"POST /follow-up":                public,
	"GET /follow-up/case":            reporter,
	"POST /follow-up/messages":       reporter,
	"GET /follow-up/files/{fid}":     reporter,
	"POST /follow-up/withdraw":       reporter,
	"POST /follow-up/satisfaction":   reporter,
	"POST /follow-up/address":        reporter,
	"POST /follow-up/logout":         signOut,
	"GET /favicon.ico":               public,
	"GET /":                          public,
	"GET /staff/login":               public,
	"POST /staff/login":              public,
	"GET /staff/totp":                signedIn,
	"POST /staff/totp":               signedIn,
	"GET /staff/enrol":               signedIn,
	"GET /staff/enrol/qr.png":        signedIn,
	"POST /staff/enrol":              signedIn,
	"POST /staff/logout":             signOut,
	"GET /staff/setup/{token}":       public,
	"POST /staff/setup/{token}":      public,
	"GET /staff":                     signedIn,

	"GET /desk":                                         handler,
	"GET /desk/cases/{id}":                              handler,
	"POST /desk/cases/{id}/identity":                    handler,
	"POST /desk/inbox/not-accepted":                     handler,
	"POST /desk/cases/{id}/stage":                       handler,
	"POST /desk/cases/{id}/after-end":                   handler,
	"POST /desk/cases/{id}/referrals/{rid}/stage":       handler,
	"POST /desk/cases/{id}/referrals/{rid}/monitoring":  handler,
	"POST /desk/cases/{id}/messages":                    handler,
	"POST /desk/cases/{id}/messages/{mid}/translations": handler,
	"GET /desk/cases/{id}/files/{fid}":                  handler,
	"POST /desk/cases/{id}/handler":                     handler,
	"POST /desk/cases/{id}/experts":                     handler,
	"POST /desk/cases/{id}/experts/{uid}/remove":        handler,
	"GET /desk/cases/{id}/screening":                    handler,
	"POST /desk/cases/{id}/screening/accept":            handler,
	"POST /desk/cases/{id}/screening/not-accepted":      handler,
	"POST /desk/cases/{id}/screening/question":          handler,
	"GET /desk/intake":                                  handler,
	"POST /desk/intake":                                 handler,
	"GET /desk/approvals":                               handler,
	"POST /desk/approvals/{id}/approve":                 handler,
	"POST /desk/approvals/{id}/refuse":                  handler,

	"GET /member":                            member,
	"GET /member/referrals/{id}":             member,
	"POST /member/referrals/{id}/stage":      member,
	"POST /member/referrals/{id}/messages":   member,
	"POST /member/referrals/{id}/monitoring": member,
	"GET /member/referrals/{id}/files/{fid}": member,
	"POST /member/referrals/{id}/identity":   member,

	"GET /expert":                                   expert,
	"GET /expert/cases/{id}/declaration":            expert,
	"POST /expert/cases/{id}/declaration":           expert,
	"GET /expert/cases/{id}":                        expert,
	"POST /expert/cases/{id}/identity":              expert,
	"POST /expert/cases/{id}/findings":              expert,
	"POST /expert/cases/{id}/referrals/{rid}/stage": expert,

	"GET /admin":                            admin,
	"GET /admin/members":                    admin,
	"GET /admin/members/new":                admin,
	"POST /admin/members":                   admin,
	"GET /admin/members/{id}":               admin,
	"POST /admin/members/{id}":              admin,
	"GET /admin/users":                      admin,
	"GET /admin/users/new":                  admin,
	"POST /admin/users":                     admin,
	"GET /admin/users/{id}":                 admin,
	"POST /admin/users/{id}":                admin,
	"POST /admin/users/{id}/disable":        admin,
	"POST /admin/users/{id}/enable":         admin,
	"POST /admin/users/{id}/reset-totp":     admin,
	"POST /admin/users/{id}/setup-link":     admin,
	"POST /admin/users/{id}/password-reset": admin,
	"GET /admin/settings":                   admin,
	"POST /admin/settings/timeline":         admin,
	"POST /admin/settings/rules":            admin,
	"POST /admin/settings/register":         admin,
	"POST /admin/settings/second-factor":    admin,
	"POST /admin/settings/mail-test":        admin,
	"GET /staff/notifications":              signedIn,
	"POST /staff/notifications":             signedIn,

	"GET /register":                 public,
	"GET /statistics":               public,
	"GET /api/v1/public/register":   public,
	"GET /api/v1/public/statistics": public,
	"GET /reports/annual":           reports,
	"POST /reports/annual/opinions": panel,
	"GET /reports/disclosure":       disclosure,
}

func TestEveryRouteHasAnAccessRule(t *testing.T) {
	site := stafftest.New(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	seen := map[string]bool{}
	for _, p := range site.Router.Patterns {
		seen[p] = true
		if _, ok := rules[p]; !ok {
			t.Errorf("route %q has no access rule: add it to rules in authz_test.go", p)
		}
	}
	for p := range rules {
		if !seen[p] {
			t.Errorf("rule for %q, which is not a route any more", p)
		}
	}
}

// world is what the requests point at: one case naming members A and B, accepted, with a
// referral to each, a file in A's company thread, an internal note, and an expert assigned who
// declared no conflict. A fresh world is made for each route, so that one route's effect (an
// expert removed, a user disabled) cannot change what another route is tested against.
type world struct {
	caseID, refA, refB, fileA, noteID, memberA, userID, expertID, approvalID int64
}

type actors struct {
	handler, admin, memberA, memberB, expert, otherExpert, panel store.User
}

func newWorld(t *testing.T, site *stafftest.Site, a actors, memberA, memberB int64) world {
	t.Helper()
	ctx := context.Background()
	s := site.Store
	r := stafftest.Report("VN", "Wages withheld for three months.", grievance.CompanyRef{MemberID: memberA}, grievance.CompanyRef{MemberID: memberB})
	r.Anonymous, r.IdentityName, r.ConsentShareIdentity = false, "Tran Van An", true
	f := site.File(r)
	h := a.handler.Actor()
	for _, to := range []grievance.CaseStage{grievance.CaseAcknowledged, grievance.CaseScreening} {
		if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: to, Actor: h}); err != nil {
			t.Fatal(err)
		}
	}
	companies, err := s.CaseCompanies(ctx, f.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: f.CaseID, To: grievance.CaseAccepted, Actor: h, Referrals: []store.NewReferral{
		{CompanyID: companies[0].ID, ShareIdentity: true, SharedNarrative: "For A"}, {CompanyID: companies[1].ID, SharedNarrative: "For B"},
	}}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.Referrals(ctx, f.CaseID)
	if err != nil || len(refs) != 2 {
		t.Fatalf("referrals %v, %v", refs, err)
	}
	w := world{caseID: f.CaseID, refA: refs[0].ID, refB: refs[1].ID, memberA: memberA, expertID: a.expert.ID}
	if refs[0].MemberID != memberA {
		w.refA, w.refB = w.refB, w.refA
	}
	pdf := grievance.Attachment{Name: "plan.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}
	mid, err := s.MemberMessage(ctx, memberA, w.refA, "Our plan", []grievance.Attachment{pdf}, a.memberA.Actor())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM attachments WHERE message_id = ?`, mid).Scan(&w.fileA); err != nil {
		t.Fatal(err)
	}
	if w.noteID, err = s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadInternal, Author: h, Body: "note"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignExpert(ctx, f.CaseID, a.expert.ID, h); err != nil {
		t.Fatal(err)
	}
	if err := s.DeclareNoConflict(ctx, f.CaseID, a.expert.ID); err != nil {
		t.Fatal(err)
	}
	w.userID = site.User(grievance.RolePanel, 0).ID // a throwaway account for the admin's user routes
	// A new handler account the admin asked for, waiting for a handler's approval.
	_, issued, err := s.InviteUser(ctx, store.User{Email: fmt.Sprintf("new-handler-%d@example.org", f.CaseID), DisplayName: "New handler", Role: grievance.RoleHandler}, a.admin.Actor())
	if err != nil || !issued.Pending() {
		t.Fatalf("handler invitation: %+v, %v", issued, err)
	}
	w.approvalID = issued.ApprovalID
	return w
}

// path fills a pattern's wildcards with the world's ids.
func (w world) path(pattern string) string {
	_, p, _ := strings.Cut(pattern, " ")
	id := w.caseID
	switch {
	case strings.HasPrefix(p, "/member/"):
		id = w.refA
	case strings.HasPrefix(p, "/admin/members/"):
		id = w.memberA
	case strings.HasPrefix(p, "/admin/users/"):
		id = w.userID
	case strings.HasPrefix(p, "/desk/approvals/"):
		id = w.approvalID
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	p = strings.NewReplacer("{id}", n(id), "{rid}", n(w.refA), "{fid}", n(w.fileA), "{mid}", n(w.noteID), "{uid}", n(w.expertID), "{token}", "no-such-link", "{$}", "").Replace(p)
	switch p {
	case "/static/":
		return "/static/app.css"
	case "/":
		return "/no-such-page"
	}
	return p
}

// TestEveryRouteRefusesWhoItShould requests every route as anonymous, as each staff role, as a
// user of another member company and as an expert not assigned to the case, and checks each is
// let through or refused as rules says: refused means a sign-in redirect (anonymous), 403
// (another role), 404 (another company's referral, another expert's case) or 401/redirect to
// the follow-up sign-in (reporter and token routes).
func TestEveryRouteRefusesWhoItShould(t *testing.T) {
	site := stafftest.New(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	memberA := site.Member("Alpha Apparel", "アルファ衣料")
	memberB := site.Member("Beta Foods", "ベータ食品")
	a := actors{
		handler: site.User(grievance.RoleHandler, 0), admin: site.User(grievance.RoleAdmin, 0),
		memberA: site.User(grievance.RoleMember, memberA), memberB: site.User(grievance.RoleMember, memberB),
		expert: site.User(grievance.RoleExpert, 0), otherExpert: site.User(grievance.RoleExpert, 0),
		panel: site.User(grievance.RolePanel, 0),
	}
	type who struct {
		name string
		user *store.User // nil: anonymous
		role access
	}
	everyone := []who{
		{"anonymous", nil, public},
		{"handler", &a.handler, handler}, {"admin", &a.admin, admin},
		{"member A", &a.memberA, member}, {"member B", &a.memberB, member},
		{"expert", &a.expert, expert}, {"other expert", &a.otherExpert, expert},
		{"panel", &a.panel, panel},
	}
	for _, pattern := range site.Router.Patterns {
		rule, ok := rules[pattern]
		if !ok {
			continue // TestEveryRouteHasAnAccessRule reports it
		}
		method, _, _ := strings.Cut(pattern, " ")
		w := newWorld(t, site, a, memberA, memberB)
		path := w.path(pattern)
		for _, u := range everyone {
			c := site.Anonymous()
			if u.user != nil {
				c = site.SignIn(*u.user)
			}
			got := c.Do(method, path, w.form(pattern))
			toLogin := got.Status == http.StatusSeeOther && strings.HasPrefix(got.Location, "/staff/login")
			refused := toLogin || got.Status == http.StatusForbidden || got.Status == http.StatusUnauthorized
			where := pattern + " as " + u.name
			if got.Status >= 500 {
				t.Errorf("%s: %d (a server error, whoever asks)", where, got.Status)
				continue
			}
			switch rule {
			case public:
				// 401 is a wrong password or receipt, which public sign-in forms answer.
				if toLogin || got.Status == http.StatusForbidden {
					t.Errorf("%s: refused (%d %s), but the route is public", where, got.Status, got.Location)
				}
			case signOut:
				if got.Status == http.StatusForbidden || got.Status >= 500 {
					t.Errorf("%s: %d, but anyone may sign out", where, got.Status)
				}
			case reporter, token:
				toFollowUp := got.Status == http.StatusSeeOther && strings.HasPrefix(got.Location, "/follow-up")
				if !refused && !toFollowUp {
					t.Errorf("%s: %d %s, but only a reporter's receipt or an API token opens it", where, got.Status, got.Location)
				}
			case signedIn:
				if u.user == nil && !toLogin {
					t.Errorf("%s: %d %s, want a redirect to sign in", where, got.Status, got.Location)
				}
				if u.user != nil && refused {
					t.Errorf("%s: refused (%d %s), but any signed-in user may use it", where, got.Status, got.Location)
				}
			default:
				switch {
				case u.user == nil:
					if !toLogin {
						t.Errorf("%s: %d %s, want a redirect to sign in", where, got.Status, got.Location)
					}
				case !allows(rule, u.role):
					if got.Status != http.StatusForbidden {
						t.Errorf("%s: %d, want 403 for a %s", where, got.Status, u.user.Role)
					}
				case u.name == "member B" && strings.Contains(pattern, "{id}"),
					u.name == "other expert" && strings.Contains(pattern, "{id}"):
					if got.Status != http.StatusNotFound {
						t.Errorf("%s: %d, want 404: it is not theirs", where, got.Status)
					}
				default:
					if refused || got.Status == http.StatusNotFound {
						t.Errorf("%s: %d %s, but it is theirs to use", where, got.Status, got.Location)
					}
				}
			}
		}
	}
}

// form is what a POST sends: the least that names a real object (a thread, a referral), since
// the rules, not the forms' validation, are under test.
func (w world) form(pattern string) url.Values {
	if !strings.HasPrefix(pattern, "POST ") {
		return nil
	}
	f := url.Values{}
	switch pattern {
	case "POST /desk/cases/{id}/messages":
		f.Set("thread", store.ThreadInternal)
		f.Set("body", "A note")
	case "POST /expert/cases/{id}/findings":
		f.Set("referral", "0")
		f.Set("body", "A finding")
	case "POST /reports/annual/opinions":
		f.Set("body", "An opinion")
	}
	return f
}
