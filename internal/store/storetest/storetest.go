// Package storetest opens real stores for tests: always SQLite in a temporary folder, and
// PostgreSQL too when REMEDY_TEST_POSTGRES holds a connection URL (CI sets it, and then a
// database that cannot be reached fails the test instead of skipping it). Each PostgreSQL store
// gets a schema of its own, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "REMEDY_TEST_POSTGRES"

// Options tune a test store.
type Options struct {
	Now     func() time.Time
	DataDir string // SQLite folder; a fresh temporary one when empty
}

// Dialects lists the databases this run tests against.
func Dialects() []store.Dialect {
	if os.Getenv(PostgresEnv) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	return []store.Dialect{store.SQLite}
}

// Each runs fn once per database as a subtest named after it.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d, Options{})) })
	}
}

// Keyring makes a throwaway keyring.
func Keyring(t testing.TB) *seal.Keyring {
	kek := make([]byte, 32)
	rand.Read(kek)
	k, err := seal.NewKeyring(kek)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Timeline is the default policy in Asia/Tokyo.
func Timeline(t testing.TB) grievance.Timeline {
	zone, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return grievance.DefaultTimeline(zone)
}

// Open opens a migrated store of dialect d, closed when the test ends.
func Open(t testing.TB, d store.Dialect, o Options) *store.Store {
	t.Helper()
	cfg := store.Config{Keys: Keyring(t), Timeline: Timeline(t), Now: o.Now, DataDir: o.DataDir}
	if d == store.Postgres {
		cfg.DatabaseURL = PostgresSchema(t)
	} else if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresSchema creates a fresh schema on the test server and returns a URL that uses it.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at %s cannot be reached: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "remedy_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Rebind writes a query's ? placeholders as PostgreSQL's $n when s is PostgreSQL, for tests that
// read the database with plain SQL.
func Rebind(s *store.Store, q string) string {
	if s.Dialect() != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
