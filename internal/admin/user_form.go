package admin

import (
	"context"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

const (
	maxEmail       = 254
	maxDisplayName = 100
)

// userForm is the form of a new user and of a user's page. There is no password: users choose
// their own through a set-up link, which the page shows once (Link) after it was made.
type userForm struct {
	form
	ID           int64
	Email        string
	DisplayName  string
	Role         string
	MemberID     string
	RequireTOTP  bool
	Roles        []grievance.Role
	Members      []store.Member
	Account      store.UserRow // on a user's page: the account as stored
	Self         bool          // the page is the signed-in admin's own account
	ActionError  string        // why disabling or resetting was refused
	ActionResult string        // what the last action did, as a catalog key
	TOTPOptional bool          // the admin's setting: optional for members and experts
	Setup        store.SetupState
	Link         string    // a set-up or password reset link made just now, shown this once
	LinkExpires  time.Time // when Link stops working
}

// RoleAlwaysTOTP tells the template which roles need the second factor whatever is ticked for
// the user, under the admin's setting.
func (f userForm) RoleAlwaysTOTP(role string) bool {
	return account.RoleRequiresTOTP(grievance.Role(role), f.TOTPOptional)
}

func (h *Handler) newUserForm(ctx context.Context) (userForm, error) {
	f := userForm{Roles: grievance.StaffRoles}
	var err error
	if f.Members, err = h.store.Members(ctx); err != nil {
		return f, err
	}
	f.TOTPOptional, err = h.store.SecondFactorOptional(ctx)
	return f, err
}

// readUserForm takes the posted fields as typed.
func readUserForm(r *http.Request, f *userForm) {
	f.Email = strings.TrimSpace(r.PostFormValue("email"))
	f.DisplayName = grievance.PlainName(r.PostFormValue("display_name"))
	f.Role = r.PostFormValue("role")
	f.MemberID = r.PostFormValue("member_id")
	f.RequireTOTP = r.PostFormValue("require_totp") != ""
}

// checkUser validates name, role and company (the fields both forms share) and returns the
// user they describe.
func checkUser(f *userForm, p *web.Page) store.User {
	u := store.User{ID: f.ID, Email: f.Email, DisplayName: f.DisplayName, Role: grievance.Role(f.Role)}
	switch {
	case f.DisplayName == "":
		f.Errors["display_name"] = p.T("admin.user.name_required")
	case utf8.RuneCountInString(f.DisplayName) > maxDisplayName:
		f.Errors["display_name"] = p.T("admin.too_long", maxDisplayName)
	}
	if !u.Role.IsStaffRole() {
		f.Errors["role"] = p.T("admin.user.role_required")
		return u
	}
	// A member user belongs to exactly one current member company; nobody else belongs to one.
	if u.Role == grievance.RoleMember {
		id, _ := strconv.ParseInt(f.MemberID, 10, 64)
		for _, m := range f.Members {
			if m.ID == id {
				u.MemberID = id
			}
		}
		if u.MemberID == 0 {
			f.Errors["member_id"] = p.T("admin.user.member_required")
		}
	} else if f.MemberID != "" {
		f.Errors["member_id"] = p.T("admin.user.member_only_for_members")
	}
	return u
}

// checkEmail validates a new account's login.
func (h *Handler) checkEmail(ctx context.Context, f *userForm, p *web.Page) error {
	addr, err := mail.ParseAddress(f.Email)
	switch {
	case f.Email == "":
		f.Errors["email"] = p.T("admin.user.email_required")
	case utf8.RuneCountInString(f.Email) > maxEmail || err != nil || addr.Address != f.Email:
		f.Errors["email"] = p.T("admin.user.email_invalid")
	default:
		taken, err := h.store.UserEmailTaken(ctx, f.Email)
		if err != nil {
			return err
		}
		if taken {
			f.Errors["email"] = p.T("admin.user.email_taken")
		}
	}
	return nil
}
