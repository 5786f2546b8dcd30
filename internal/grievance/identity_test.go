package grievance_test

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

func TestMayViewIdentity(t *testing.T) {
	want := map[grievance.Role][2]bool{ // [without consent, with consent]
		grievance.RoleHandler:  {true, true},
		grievance.RoleMember:   {false, true},
		grievance.RoleExpert:   {false, true},
		grievance.RoleAdmin:    {false, false},
		grievance.RolePanel:    {false, false},
		grievance.RolePublic:   {false, false},
		grievance.RoleReporter: {false, false},
		grievance.RoleSystem:   {false, false},
	}
	if len(want) != len(grievance.Roles) {
		t.Fatalf("the table covers %d of %d roles", len(want), len(grievance.Roles))
	}
	for role, w := range want {
		for i, consent := range []bool{false, true} {
			if got := grievance.MayViewIdentity(role, consent); got != w[i] {
				t.Errorf("%s, consent=%v: %v, want %v", role, consent, got, w[i])
			}
		}
	}
}
