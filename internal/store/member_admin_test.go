package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestUpdateMemberReplacesItsAliases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		id, err := s.CreateMember(ctx, store.Member{NameEN: "Acme", Aliases: []store.MemberAlias{
			{Kind: "brand", Name: "Old Brand"}, {Kind: "supplier", Name: "Old Supplier"},
		}}, system)
		if err != nil {
			t.Fatal(err)
		}
		err = s.UpdateMember(ctx, store.Member{ID: id, NameEN: " Acme Holdings ", NameJA: "アクメ", Sector: "apparel", Aliases: []store.MemberAlias{
			{Kind: "brand", Name: "New Brand"}, {Kind: "brand", Name: "new brand"}, {Kind: "group_company", Name: "Acme Vietnam"}, {Kind: "supplier", Name: " "},
		}}, adminActor)
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Member(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.NameEN != "Acme Holdings" || m.NameJA != "アクメ" || m.Sector != "apparel" {
			t.Fatalf("member = %+v", m)
		}
		want := []store.MemberAlias{{Kind: "brand", Name: "New Brand"}, {Kind: "group_company", Name: "Acme Vietnam"}}
		if len(m.Aliases) != len(want) || m.Aliases[0] != want[0] || m.Aliases[1] != want[1] {
			t.Fatalf("aliases = %+v, want %+v (old ones gone, duplicates and blanks dropped)", m.Aliases, want)
		}
		if err := s.UpdateMember(ctx, store.Member{ID: id + 100, NameEN: "Nobody"}, adminActor); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown member: %v", err)
		}
		if taken, _ := s.MemberNameTaken(ctx, "ACME HOLDINGS", 0); !taken {
			t.Fatal("the name is not reported taken")
		}
		if taken, _ := s.MemberNameTaken(ctx, "Acme Holdings", id); taken {
			t.Fatal("a member's own name is reported taken")
		}
	})
}

func TestMemberThatLeftIsNoLongerListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		stay, _ := s.CreateMember(ctx, store.Member{NameEN: "Stays"}, system)
		leave, _ := s.CreateMember(ctx, store.Member{NameEN: "Leaves"}, system)
		at := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)
		if err := s.SetMemberLeft(ctx, leave, at, adminActor); err != nil {
			t.Fatal(err)
		}
		current, _ := s.Members(ctx)
		if len(current) != 1 || current[0].ID != stay {
			t.Fatalf("current members = %+v", current)
		}
		all, _ := s.AllMembers(ctx)
		if len(all) != 2 || all[0].ID != stay || all[1].ID != leave || !all[1].LeftAt.Equal(at) {
			t.Fatalf("all members = %+v", all)
		}
		if err := s.SetMemberLeft(ctx, leave, time.Time{}, adminActor); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.Member(ctx, leave); !m.LeftAt.IsZero() {
			t.Fatalf("rejoined member still left at %v", m.LeftAt)
		}
	})
}
