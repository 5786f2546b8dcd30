package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestEveryDisplayOfIdentityIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := report("named report")
		r.Anonymous, r.IdentityName, r.IdentityContact = false, "Nguyen Thi Lan", "+84 90 000 0000"
		f := mustFile(t, s, r)
		h := handler(t, s)
		member, _ := memberUser(t, s, "Gamma")
		for i := 0; i < 2; i++ {
			id, err := s.CaseIdentity(ctx, f.CaseID, h)
			if err != nil || id.Name != "Nguyen Thi Lan" || id.Contact != "+84 90 000 0000" {
				t.Fatalf("identity = %+v, %v", id, err)
			}
		}
		if _, err := s.CaseIdentity(ctx, f.CaseID, member); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("a member without consent saw the identity: %v", err)
		}
		consenting := report("named, consenting")
		consenting.Anonymous, consenting.IdentityName, consenting.ConsentShareIdentity = false, "Somchai", true
		fc := mustFile(t, s, consenting)
		for _, who := range []store.Actor{member, {Role: string(grievance.RoleExpert), UserID: h.UserID}} {
			if _, err := s.CaseIdentity(ctx, fc.CaseID, who); !errors.Is(err, store.ErrForbidden) {
				t.Fatalf("%s read a consented identity without the scoped read: %v", who.Role, err)
			}
		}
		if _, err := s.CaseIdentity(ctx, f.CaseID, store.Actor{Role: string(grievance.RoleAdmin), UserID: 1}); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("an admin saw the identity: %v", err)
		}
		entries, err := s.AuditEntries(ctx, f.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("user:%d identity.show", h.UserID)
		if got := strings.Count(strings.Join(entries, "\n"), want); got != 2 {
			t.Fatalf("%d identity displays audited, want 2: %v", got, entries)
		}
		if strings.Contains(strings.Join(entries, "\n"), fmt.Sprintf("user:%d", member.UserID)) {
			t.Fatalf("a refused display was audited as shown: %v", entries)
		}
	})
}
