package grievance

// Role is what a person (or the platform itself) acts as.
type Role string

const (
	RoleReporter Role = "reporter"
	RoleHandler  Role = "handler"
	RoleAdmin    Role = "admin"
	RoleMember   Role = "member"
	RoleExpert   Role = "expert"
	RolePanel    Role = "panel"
	RolePublic   Role = "public"
	// RoleSystem is the platform acting on a timer or a rule (automatic acknowledgement,
	// time-outs); it never stands for a person.
	RoleSystem Role = "system"
)

// Roles lists every role, people first.
var Roles = []Role{RoleReporter, RoleHandler, RoleAdmin, RoleMember, RoleExpert, RolePanel, RolePublic, RoleSystem}

// StaffRoles are the roles a user account can hold (reporters log in with a receipt instead).
var StaffRoles = []Role{RoleHandler, RoleAdmin, RoleMember, RoleExpert, RolePanel}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// IsStaffRole reports whether r can be given to a user account.
func (r Role) IsStaffRole() bool {
	for _, known := range StaffRoles {
		if r == known {
			return true
		}
	}
	return false
}
