package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// userAddCommand adds an account for the operator on the server, who bootstraps the first
// handler and admin: no approval is needed (the operator already holds the database and the
// key). Nobody is ever given a password: the command prints a set-up link, shown once, with
// which the user chooses their own.
func userAddCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "login e-mail address")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "handler, admin, member, expert or panel")
	member := fs.Int64("member", 0, "member company id (member users only)")
	publicURL := fs.String("public-url", envOr("REMEDY_PUBLIC_URL", ""), "the address users reach the platform at, e.g. https://remedy.example.org, to print the set-up link in full (env REMEDY_PUBLIC_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" || !grievance.Role(*role).IsStaffRole() {
		return errors.New("user add needs --email, --name and --role (handler, admin, member, expert or panel)")
	}
	base, err := checkPublicURL(*publicURL)
	if err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	id, issued, err := s.InviteUser(ctx, store.User{Email: *email, DisplayName: *name, Role: grievance.Role(*role), MemberID: *member}, cliActor)
	if err != nil {
		return err
	}
	if issued.Pending() { // the system is never asked for approval; this would be a bug
		return fmt.Errorf("user %d added, but its set-up link waits for approval", id)
	}
	fmt.Printf("user %d added: %s (%s); it has no password until the user sets one.\n", id, *email, *role)
	fmt.Printf("set-up link (shown once, works once, until %s):\n", issued.ExpiresAt.Format("2006-01-02 15:04 MST"))
	if base != "" {
		fmt.Printf("  %s%s%s\n", base, account.SetupPath, issued.Token)
	} else {
		fmt.Printf("  %s%s   (after the platform's address; --public-url prints it in full)\n", account.SetupPath, issued.Token)
	}
	return nil
}

// checkPublicURL accepts the platform's public address: http or https, a host, no query; a
// trailing slash is dropped. Empty stays empty.
func checkPublicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--public-url %q: want an address like https://remedy.example.org", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
