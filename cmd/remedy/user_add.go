package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

func userAddCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "login e-mail address")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "handler, admin, member, expert or panel")
	member := fs.Int64("member", 0, "member company id (member users only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" || !grievance.Role(*role).IsStaffRole() {
		return errors.New("user add needs --email, --name and --role (handler, admin, member, expert or panel)")
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	password := rand.Text() // 26 base32 characters, about 130 bits
	hash, err := seal.HashPassword(password, seal.DefaultPasswordParams)
	if err != nil {
		return err
	}
	id, err := s.CreateUser(ctx, store.User{Email: *email, DisplayName: *name, Role: grievance.Role(*role), MemberID: *member}, hash, cliActor)
	if err != nil {
		return err
	}
	fmt.Printf("user %d added: %s (%s)\npassword (shown once): %s\n", id, *email, *role, password)
	return nil
}
