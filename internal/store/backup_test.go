package store_test

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestSQLiteBackupIsAConsistentCopyTakenWhileWriting(t *testing.T) {
	keys := storetest.Keyring(t)
	dir := t.TempDir()
	s, err := store.Open(ctx, store.Config{DataDir: dir, Keys: keys, Timeline: storetest.Timeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := mustFile(t, s, report("filed before the backup"))

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // keep writing while the copy is taken
		defer wg.Done()
		for !stop.Load() {
			if _, err := s.CreateCase(ctx, report("filed during the backup"), reporter); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	backupDir := t.TempDir()
	path := filepath.Join(backupDir, store.SQLiteFile)
	err = s.Backup(ctx, path, "")
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v, want 0600", info.Mode().Perm())
	}
	if err := s.Backup(ctx, path, ""); err == nil {
		t.Fatal("backup overwrote an existing file")
	}

	restored, err := store.Open(ctx, store.Config{DataDir: backupDir, Keys: keys, Timeline: storetest.Timeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	id, err := restored.CaseIDByReceipt(ctx, first.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := restored.ReporterCase(ctx, id)
	if err != nil || c.Description != "filed before the backup" {
		t.Fatalf("restored case: %+v, %v", c, err)
	}
	if v, err := restored.VerifyAudit(ctx); err != nil || v.Break != nil || v.Entries < 1 {
		t.Fatalf("restored audit chain: %+v, %v", v, err)
	}
}
