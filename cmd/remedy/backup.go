package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

func backupCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup needs --to FILE")
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, *to, sf.databaseURL); err != nil {
		return err
	}
	fmt.Printf("backup written to %s\nIt holds sealed data only: keep a copy of the key (%s or REMEDY_KEY) apart from it.\n", *to, KeyFile)
	return nil
}
