package store_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func newKEK() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// keyedOpener opens the same database each time with the KEK given.
func keyedOpener(t *testing.T, d store.Dialect) func(kek []byte) (*store.Store, error) {
	t.Helper()
	cfg := store.Config{Timeline: storetest.Timeline(t)}
	if d == store.Postgres {
		cfg.DatabaseURL = storetest.PostgresSchema(t)
	} else {
		cfg.DataDir = t.TempDir()
	}
	return func(kek []byte) (*store.Store, error) {
		c := cfg
		var err error
		if c.Keys, err = seal.NewKeyring(kek); err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, c)
		if err == nil {
			t.Cleanup(func() { s.Close() })
		}
		return s, err
	}
}

func TestAnotherKeyIsRefused(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			open := keyedOpener(t, d)
			right := newKEK()
			s, err := open(right)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			// Even with no case yet, the fingerprint recorded at first start refuses another key.
			var mismatch *store.KeyMismatchError
			if _, err := open(newKEK()); !errors.As(err, &mismatch) {
				t.Fatalf("a wrong key on an empty database: %v, want a key mismatch", err)
			}
			s, err = open(right)
			if err != nil {
				t.Fatalf("the right key is refused: %v", err)
			}
			mustFile(t, s, report("filed under the right key"))
			s.Close()
			if _, err := open(newKEK()); !errors.As(err, &mismatch) {
				t.Fatalf("a wrong key on a database with cases: %v, want a key mismatch", err)
			}
		})
	}
}

// A database from before fingerprints has none: the key must open one of its cases.
func TestAnotherKeyIsRefusedWithoutFingerprint(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			open := keyedOpener(t, d)
			right := newKEK()
			s, err := open(right)
			if err != nil {
				t.Fatal(err)
			}
			mustFile(t, s, report("filed before fingerprints"))
			if _, err := s.DB().ExecContext(ctx, `DELETE FROM key_fingerprints`); err != nil {
				t.Fatal(err)
			}
			s.Close()
			var mismatch *store.KeyMismatchError
			if _, err := open(newKEK()); !errors.As(err, &mismatch) {
				t.Fatalf("a wrong key on an old database with cases: %v, want a key mismatch", err)
			}
			if _, err := open(right); err != nil {
				t.Fatalf("the right key on an old database: %v", err)
			}
		})
	}
}

type rotationCase struct {
	f    store.Filed
	text string
}

// readsEverything checks every case's narrative, identity, attachment and receipt.
func readsEverything(t *testing.T, s *store.Store, cases []rotationCase) {
	t.Helper()
	h := handler(t, s)
	for _, c := range cases {
		if id, err := s.CaseIDByReceipt(ctx, c.f.Receipt); err != nil || id != c.f.CaseID {
			t.Fatalf("%s: receipt opens %d, %v", c.f.Reference, id, err)
		}
		rc, err := s.ReporterCase(ctx, c.f.CaseID)
		if err != nil || rc.Description != c.text {
			t.Fatalf("%s: narrative %v", c.f.Reference, err)
		}
		ident, err := s.CaseIdentity(ctx, c.f.CaseID, h)
		if err != nil || ident.Name != "Name of "+c.text {
			t.Fatalf("%s: identity %+v, %v", c.f.Reference, ident, err)
		}
		_, data, err := s.AttachmentContent(ctx, c.f.CaseID, rc.Attachments[0].ID, false)
		if err != nil || string(data) != "file of "+c.text {
			t.Fatalf("%s: attachment %q, %v", c.f.Reference, data, err)
		}
	}
}

func TestKeyRotationRewrapsEveryCaseAndResumes(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			open := keyedOpener(t, d)
			oldKEK, newKEK := newKEK(), newKEK()
			s, err := open(oldKEK)
			if err != nil {
				t.Fatal(err)
			}
			var cases []rotationCase
			for i := range 7 {
				text := fmt.Sprintf("narrative %d", i)
				r := report(text)
				r.Anonymous, r.IdentityName = false, "Name of "+text
				r.Attachments = []grievance.Attachment{{Name: "a.txt", ContentType: "text/plain", Data: []byte("file of " + text)}}
				cases = append(cases, rotationCase{f: mustFile(t, s, r), text: text})
			}
			// A server that keeps running on the old key through the rotation.
			server, err := open(oldKEK)
			if err != nil {
				t.Fatal(err)
			}

			if _, err := s.BeginKeyRotation(ctx, newKEK); err != nil {
				t.Fatal(err)
			}
			if n, err := s.RewrapCaseKeys(ctx, 3); err != nil || n != 3 {
				t.Fatalf("first batch: %d, %v", n, err)
			}
			// Interrupted halfway: the command dies; the server files a case and reads them all.
			s.Close()
			text := "filed during the rotation"
			r := report(text)
			r.Anonymous, r.IdentityName = false, "Name of "+text
			r.Attachments = []grievance.Attachment{{Name: "a.txt", ContentType: "text/plain", Data: []byte("file of " + text)}}
			cases = append(cases, rotationCase{f: mustFile(t, server, r), text: text})
			readsEverything(t, server, cases)

			// Resumed with the old key file, as `remedy key rotate` run again does.
			s, err = open(oldKEK)
			if err != nil {
				t.Fatal(err)
			}
			next, ok, err := s.PendingKeyRotation(ctx)
			if err != nil || !ok || string(next) != string(newKEK) {
				t.Fatalf("pending rotation: %v, %v", ok, err)
			}
			if err := s.FinishKeyRotation(ctx); err == nil {
				t.Fatal("a rotation finished with case keys left under the old key")
			}
			for {
				n, err := s.RewrapCaseKeys(ctx, 3)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			if err := s.FinishKeyRotation(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
			server.Close()

			// Only the new key now.
			var mismatch *store.KeyMismatchError
			if _, err := open(oldKEK); !errors.As(err, &mismatch) {
				t.Fatalf("the old key after the rotation: %v, want a key mismatch", err)
			}
			s, err = open(newKEK)
			if err != nil {
				t.Fatal(err)
			}
			readsEverything(t, s, cases)
			var left int
			if err := s.DB().QueryRowContext(ctx, storetest.Rebind(s, `SELECT COUNT(*) FROM case_keys WHERE kek_id IS NULL OR kek_id <> ?`), s.Keys().ID()).Scan(&left); err != nil || left != 0 {
				t.Fatalf("%d case keys not under the new key, %v", left, err)
			}
			// The old keyring alone opens no case key any more.
			old, _ := seal.NewKeyring(oldKEK)
			var wrapped []byte
			if err := s.DB().QueryRowContext(ctx, `SELECT wrapped FROM case_keys ORDER BY case_id LIMIT 1`).Scan(&wrapped); err != nil {
				t.Fatal(err)
			}
			if _, err := old.UnwrapCaseKey(wrapped); !errors.Is(err, seal.ErrWrongKey) {
				t.Fatalf("the old key still opens a case key: %v", err)
			}
		})
	}
}
