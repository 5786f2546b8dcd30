package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

var printedLink = regexp.MustCompile(`(?m)^  (\S*)/staff/setup/([A-Za-z0-9_-]{43})\b`)

// TestUserAddPrintsASetupLinkNotAPassword: the operator's command makes the first handler
// directly (no approval exists yet to ask), and the user chooses the password with the link.
func TestUserAddPrintsASetupLinkNotAPassword(t *testing.T) {
	data := t.TempDir()
	out, err := runRemedy(t, "user", "add", "--data", data, "--email", "first@secretariat.example", "--name", "First Handler", "--role", "handler")
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	m := printedLink.FindStringSubmatch(out)
	if m == nil || m[1] != "" || strings.Contains(strings.ToLower(out), "password (") {
		t.Fatalf("user add printed no bare set-up link, or a password:\n%s", out)
	}
	token := m[2]
	out, err = runRemedy(t, "user", "add", "--data", data, "--email", "admin@secretariat.example", "--name", "Admin", "--role", "admin", "--public-url", "https://remedy.example.org/")
	if err != nil {
		t.Fatalf("user add with a public URL: %v\n%s", err, out)
	}
	if m := printedLink.FindStringSubmatch(out); m == nil || m[1] != "https://remedy.example.org" {
		t.Fatalf("user add did not print the link in full:\n%s", out)
	}
	if out, err := runRemedy(t, "user", "add", "--data", data, "--email", "x@example.org", "--name", "X", "--role", "panel", "--public-url", "remedy.example.org"); err == nil {
		t.Fatalf("a public URL without a scheme was accepted:\n%s", out)
	}

	// The link works on the database the command wrote to, for the handler it made.
	keys, _, err := seal.LoadKeyring(filepath.Join(data, KeyFile), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), store.Config{DataDir: data, Keys: keys, Timeline: grievance.DefaultTimeline(time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := s.SetupLinkByToken(context.Background(), token)
	if err != nil || l.User.Email != "first@secretariat.example" || l.User.Role != grievance.RoleHandler || l.Purpose != store.SetupAccount {
		t.Fatalf("the printed link: %+v, %v", l, err)
	}
	if hash, _ := s.UserPasswordHash(context.Background(), l.User.ID); hash != seal.NoPasswordHash() {
		t.Fatal("the new account has a password before its link was used")
	}
}
