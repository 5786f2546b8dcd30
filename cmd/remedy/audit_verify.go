package main

import (
	"context"
	"flag"
	"fmt"
)

func auditVerifyCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if v.Break != nil {
		fmt.Printf("BROKEN: %v (%d entries verified before it)\n", v.Break, v.Entries)
		return exitCode(1)
	}
	fmt.Printf("OK: %d entries, chain intact\n", v.Entries)
	return nil
}
