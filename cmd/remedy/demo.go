package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

// fillDemo fills an empty database with fictional data and prints how to log in. On a database
// that already holds data it changes nothing and says so.
func fillDemo(ctx context.Context, s *store.Store) error {
	logins, err := demo.Fill(ctx, s)
	if errors.Is(err, demo.ErrNotEmpty) {
		slog.Info("--demo: the data folder already holds data; starting without adding any")
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Demo data created (fictional). Staff accounts: sign in at /staff/login (everyone but the")
	fmt.Fprintln(w, "panel member enrols an authenticator app at their first sign-in):")
	fmt.Fprintln(w, "  ROLE\tEMAIL\tPASSWORD\tCOMPANY")
	for _, u := range logins.Users {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", u.Role, u.Email, u.Password, u.Member)
	}
	fmt.Fprintln(w, "Reporter receipts (follow a case as its reporter):")
	for _, c := range logins.Cases {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", c.Reference, seal.FormatReceipt(c.Receipt), c.Language, c.Stage)
	}
	return w.Flush()
}
