package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/remedy-grievance/remedy/internal/store"
)

func memberAddCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("member add", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	nameEN := fs.String("name-en", "", "company name in English")
	nameJA := fs.String("name-ja", "", "company name in Japanese")
	sector := fs.String("sector", "", "sector, e.g. apparel, electronics, food")
	var brands, groups, suppliers listFlag
	fs.Var(&brands, "brand", "a brand reporters may name (repeatable)")
	fs.Var(&groups, "group-company", "a group company (repeatable)")
	fs.Var(&suppliers, "supplier", "a known supplier (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nameEN == "" {
		return errors.New("member add needs --name-en")
	}
	m := store.Member{NameEN: *nameEN, NameJA: *nameJA, Sector: *sector}
	for kind, names := range map[string]listFlag{"brand": brands, "group_company": groups, "supplier": suppliers} {
		for _, n := range names {
			m.Aliases = append(m.Aliases, store.MemberAlias{Kind: kind, Name: n})
		}
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := s.CreateMember(ctx, m, cliActor)
	if err != nil {
		return err
	}
	fmt.Printf("member %d added: %s\n", id, *nameEN)
	return nil
}
