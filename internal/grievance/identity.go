package grievance

// MayViewIdentity says whether role may see a reporter's identity: the secretariat's handlers
// always, a company or an expert only with the reporter's recorded consent, nobody else.
func MayViewIdentity(role Role, consent bool) bool {
	switch role {
	case RoleHandler:
		return true
	case RoleMember, RoleExpert:
		return consent
	}
	return false
}
