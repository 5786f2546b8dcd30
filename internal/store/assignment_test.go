package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestAssignHandlerOnlyToActiveHandlers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		colleague := handler(t, s)
		member, _ := memberUser(t, s, "Alpha")
		f := mustFile(t, s, report("assign"))
		if err := s.AssignHandler(ctx, f.CaseID, member.UserID, h); !errors.Is(err, store.ErrNotHandler) {
			t.Fatalf("a member user became the handler: %v", err)
		}
		if err := s.AssignHandler(ctx, f.CaseID, colleague.UserID, member); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("a member assigned a handler: %v", err)
		}
		for i := 0; i < 2; i++ { // twice: the second changes nothing
			if err := s.AssignHandler(ctx, f.CaseID, colleague.UserID, h); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		if c.HandlerID != colleague.UserID || c.HandlerName != "Handler" {
			t.Fatalf("handler = %d %q", c.HandlerID, c.HandlerName)
		}
		entries, _ := s.AuditEntries(ctx, f.CaseID)
		if n := strings.Count(strings.Join(entries, "\n"), "case.handler"); n != 1 {
			t.Fatalf("%d assignments audited, want 1", n)
		}
		if err := s.AssignHandler(ctx, f.CaseID, 0, h); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.DeskCase(ctx, f.CaseID); c.HandlerID != 0 {
			t.Fatal("the case could not be unassigned")
		}
		handlers, _ := s.ActiveUsers(ctx, grievance.RoleHandler)
		if len(handlers) != 2 {
			t.Fatalf("%d active handlers listed, want 2", len(handlers))
		}
	})
}
