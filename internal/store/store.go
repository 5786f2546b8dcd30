// Package store keeps Remedy's data in SQLite (embedded default) or PostgreSQL through
// database/sql. It seals every sensitive field with the case's data key before it reaches the
// database and appends to the audit chain in the same transaction as the change it records.
// Methods are named by the noun they store.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// Dialect is the SQL database behind the store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says where the data lives and how it is protected.
type Config struct {
	DataDir     string // SQLite database file lives here when DatabaseURL is empty
	DatabaseURL string // postgres://… selects PostgreSQL
	Keys        *seal.Keyring
	Timeline    grievance.Timeline
	Now         func() time.Time // for tests; time.Now by default
	// StatementTimeout, when set, bounds every statement on PostgreSQL (statement_timeout on
	// each of the pool's connections), so that a stuck query frees its connection. It applies
	// after migrations, which may legitimately take longer.
	StatementTimeout time.Duration
}

// Store is the only place that speaks SQL.
type Store struct {
	dialect  Dialect
	db       *sql.DB // writes (and reads on PostgreSQL)
	read     *sql.DB // reads; a separate pool on SQLite so readers never queue behind the writer
	keys     *seal.Keyring
	timeline liveTimeline // the deadline policy; an admin may change it while serving (SetTimeline)
	now      func() time.Time
	path     string // SQLite database file

	rebound sync.Map // query text with ? → PostgreSQL's $n
}

// ErrNotFound is returned when the thing asked for does not exist (or is not the caller's).
var ErrNotFound = errors.New("not found")

// SQLiteFile is the database file's name inside the data folder.
const SQLiteFile = "remedy.db"

// Open connects, applies migrations and returns a ready store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Keys == nil {
		return nil, errors.New("store: no keyring")
	}
	if err := cfg.Timeline.Validate(); err != nil {
		return nil, err
	}
	s := &Store{keys: cfg.Keys, now: cfg.Now}
	s.timeline.set(cfg.Timeline)
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if cfg.DatabaseURL != "" {
		err = s.openPostgres(ctx, cfg.DatabaseURL)
	} else {
		err = s.openSQLite(ctx, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.checkKey(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// The timeline an admin saved replaces the configured periods; the zone stays the config's.
	if err := s.loadTimeline(ctx, cfg.Timeline); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.rebuildFiguresIfNeeded(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if cfg.StatementTimeout > 0 && s.dialect == Postgres {
		s.db.Close()
		if err := s.openPostgres(ctx, WithStatementTimeout(cfg.DatabaseURL, cfg.StatementTimeout)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// sqlitePragmas make an acknowledged write survive a power cut (synchronous=FULL in WAL mode
// fsyncs the log at every commit), let readers run beside the writer (WAL), enforce foreign keys,
// and wait for locks instead of failing. _txlock=immediate takes the write lock at BEGIN, so two
// writers never deadlock upgrading a read lock.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func (s *Store) openSQLite(ctx context.Context, dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	s.dialect = SQLite
	s.path = filepath.Join(dataDir, SQLiteFile)
	var err error
	if s.db, err = sql.Open("sqlite", sqliteDSN(s.path, false)); err != nil {
		return err
	}
	// One writer connection: SQLite allows one writer at a time anyway, and queuing in the pool is
	// cheaper and fairer than spinning on SQLITE_BUSY.
	s.db.SetMaxOpenConns(1)
	s.db.SetConnMaxIdleTime(0)
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	if s.read, err = sql.Open("sqlite", sqliteDSN(s.path, true)); err != nil {
		s.db.Close()
		return err
	}
	s.read.SetMaxOpenConns(8)
	s.read.SetMaxIdleConns(8)
	return nil
}

func (s *Store) openPostgres(ctx context.Context, databaseURL string) error {
	s.dialect = Postgres
	var err error
	if s.db, err = sql.Open("pgx", databaseURL); err != nil {
		return err
	}
	s.db.SetMaxOpenConns(32)
	s.db.SetMaxIdleConns(16)
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s.read = s.db
	return nil
}

// WithStatementTimeout adds statement_timeout to a PostgreSQL connection string (URL or
// key=value form) unless it names one already.
func WithStatementTimeout(databaseURL string, d time.Duration) string {
	ms := strconv.FormatInt(d.Milliseconds(), 10)
	if strings.Contains(databaseURL, "statement_timeout") {
		return databaseURL
	}
	if u, err := url.Parse(databaseURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("statement_timeout", ms)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return databaseURL + " statement_timeout=" + ms
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Timeline is the deadline policy the store computes due dates with.
// It is safe to call while an admin changes it.
func (s *Store) Timeline() grievance.Timeline { return s.timeline.get() }

// Keys is the keyring the store seals with.
func (s *Store) Keys() *seal.Keyring { return s.keys }

// Ping answers whether the database is reachable.
func (s *Store) Ping(ctx context.Context) error { return s.read.PingContext(ctx) }

// Close waits for nothing: callers stop serving first. On SQLite, closing the last connection
// checkpoints the WAL into the database file.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil && s.read != s.db {
		errs = append(errs, s.read.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// q rewrites ? placeholders to $1, $2, … for PostgreSQL. Queries are written once, with ?, and
// never contain a literal question mark.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	s.rebound.Store(query, b.String())
	return b.String()
}

// inTx runs fn in a write transaction and commits it, or rolls back on error.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// utc keeps stored times comparable across dialects: UTC, microsecond precision (PostgreSQL's).
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// DB is the underlying write pool, for maintenance commands and tests that must reach past the
// store (e.g. to tamper with the audit log on purpose).
func (s *Store) DB() *sql.DB { return s.db }

// Now is the store's clock (Config.Now): pages judge deadlines by the clock the store writes by.
func (s *Store) Now() time.Time { return s.now() }
