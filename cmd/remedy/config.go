package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

// storeFlags are the flags every command shares to find its data.
type storeFlags struct {
	data        string
	databaseURL string
	timezone    string

	statementTimeout time.Duration // PostgreSQL statement_timeout; set by serve only
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", envOr("REMEDY_DATA", "./remedy-data"), "data folder: SQLite database, key file (env REMEDY_DATA)")
	fs.StringVar(&f.databaseURL, "database-url", envOr("REMEDY_DATABASE_URL", ""), "use PostgreSQL at this postgres:// URL instead of SQLite (env REMEDY_DATABASE_URL)")
	fs.StringVar(&f.timezone, "timezone", envOr("REMEDY_TIMEZONE", "Asia/Tokyo"), "the platform's time zone for deadlines and fiscal years (env REMEDY_TIMEZONE)")
}

// KeyFile is the key-encryption key's file in the data folder.
const KeyFile = "remedy.key"

// open loads the key, connects and migrates.
func (f *storeFlags) open(ctx context.Context) (*store.Store, error) {
	zone, err := time.LoadLocation(f.timezone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", f.timezone, err)
	}
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	keyPath := filepath.Join(f.data, KeyFile)
	keys, created, err := seal.LoadKeyring(keyPath, os.Getenv("REMEDY_KEY"))
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, store.Config{DataDir: f.data, DatabaseURL: f.databaseURL, Keys: keys, Timeline: grievance.DefaultTimeline(zone), StatementTimeout: f.statementTimeout})
	var mismatch *store.KeyMismatchError
	if errors.As(err, &mismatch) {
		return nil, keyMismatch(mismatch, keyPath, created)
	}
	if err != nil {
		return nil, err
	}
	if created {
		slog.Warn("created a new key-encryption key; without it no case can be read: back it up apart from the database", "file", keyPath, "key_id", keys.ID())
	}
	return s, nil
}

// keyMismatch says which key was used and what to do; a key file made just now is removed
// again, since nothing was sealed with it.
func keyMismatch(e *store.KeyMismatchError, keyPath string, created bool) error {
	var source string
	switch {
	case os.Getenv("REMEDY_KEY") != "":
		source = "the key in REMEDY_KEY"
	case created:
		os.Remove(keyPath)
		source = fmt.Sprintf("a new key, because %s was missing", keyPath)
	default:
		source = "the key in " + keyPath
	}
	return fmt.Errorf("refusing to start: this database was sealed with another key-encryption key than %s (%v). "+
		"Put the database's key back in %s (from your backup of it) or set REMEDY_KEY to it; "+
		"starting with another key would lock every reporter out and file cases no one can read. See docs/operating.md, \"The key\"", source, e, keyPath)
}

// cliActor is who acts when an operator runs a command on the server itself.
var cliActor = store.Actor{Role: string(grievance.RoleSystem)}
