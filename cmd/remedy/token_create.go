package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"
)

func tokenCreateCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the user the token acts as")
	name := fs.String("name", "", "what the token is for, e.g. \"hotline bridge\"")
	days := fs.Int("days", 90, "days until the token expires (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return errors.New("token create needs --email and --name")
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("user %s: %w", *email, err)
	}
	var expires time.Time
	if *days > 0 {
		expires = time.Now().AddDate(0, 0, *days)
	}
	token, err := s.CreateToken(ctx, u.ID, *name, expires, cliActor)
	if err != nil {
		return err
	}
	fmt.Printf("token for %s (%s), shown once:\n%s\n", u.Email, u.Role, token)
	return nil
}
