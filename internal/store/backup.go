package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Backup writes a consistent copy of the database to path while the server keeps serving, and
// refuses to overwrite an existing file. SQLite: VACUUM INTO reads one snapshot, so writes go on
// and are simply not in the copy. PostgreSQL: pg_dump, which also reads one snapshot. The copy
// holds only sealed text; it is useless without the key file, which must be backed up apart.
func (s *Store) Backup(ctx context.Context, path string, databaseURL string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	if s.dialect == Postgres {
		dump, err := exec.LookPath("pg_dump")
		if err != nil {
			return errors.New("backing up PostgreSQL needs pg_dump on the PATH")
		}
		cmd := exec.CommandContext(ctx, dump, "--format=custom", "--no-owner", "--file", path, "--dbname", databaseURL)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("pg_dump: %v: %s", err, out)
		}
		return os.Chmod(path, 0o600)
	}
	// Create the file first with owner-only permissions: VACUUM INTO would use the umask.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	// A connection of its own: the readers are query_only (which refuses VACUUM INTO), and the
	// writer must stay free for reporters while the copy is made.
	conn, err := sql.Open("sqlite", sqliteDSN(s.path, false))
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}
