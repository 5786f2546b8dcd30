package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runBounded is runRemedy for a command that should exit at once: a server that starts
// anyway is killed after 30 seconds rather than hanging the test.
func runBounded(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	self, _ := os.Executable()
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), "REMEDY_TEST_MAIN=1", "REMEDY_TEST_ARGS="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// A server given another key than the database's exits non-zero, saying which file and
// variable to fix, instead of serving with a fresh key.
func TestServeRefusesAnotherKey(t *testing.T) {
	data := t.TempDir()
	if out, err := runRemedy(t, "seed", "--data", data, "--cases", "2"); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	keyPath := filepath.Join(data, KeyFile)
	key, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		out, err := runBounded(t, "serve", "--data", data, "--addr", "127.0.0.1:0")
		if exitStatus(err) == 0 {
			t.Fatalf("%s: serve did not exit non-zero\n%s", what, out)
		}
		if !strings.Contains(out, "refusing to start") || !strings.Contains(out, keyPath) || !strings.Contains(out, "REMEDY_KEY") {
			t.Fatalf("%s: the message does not name the key file and REMEDY_KEY:\n%s", what, out)
		}
	}

	os.Remove(keyPath)
	check("key file missing")
	if _, err := os.Stat(keyPath); !os.IsNotExist(err) {
		t.Fatalf("the key made for the refused start was left in place: %v", err)
	}
	t.Setenv("REMEDY_KEY", strings.Repeat("ab", 32))
	check("a well-formed wrong REMEDY_KEY")

	t.Setenv("REMEDY_KEY", "")
	if err := os.WriteFile(keyPath, key, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runRemedy(t, "audit", "verify", "--data", data); err != nil {
		t.Fatalf("the right key: %v\n%s", err, out)
	}
}

// remedy key rotate puts a new key in remedy.key, keeps the old one as remedy.key.old, and the
// database then opens with the new key only.
func TestKeyRotateCommand(t *testing.T) {
	data := t.TempDir()
	if out, err := runRemedy(t, "seed", "--data", data, "--cases", "3"); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	keyPath := filepath.Join(data, KeyFile)
	old, _ := os.ReadFile(keyPath)
	out, err := runRemedy(t, "key", "rotate", "--data", data, "--batch", "2")
	if err != nil || !strings.Contains(out, "3 case keys wrapped again") {
		t.Fatalf("key rotate: %v\n%s", err, out)
	}
	now, _ := os.ReadFile(keyPath)
	kept, _ := os.ReadFile(keyPath + ".old")
	if string(now) == string(old) || string(kept) != string(old) {
		t.Fatal("remedy.key is not the new key, or remedy.key.old is not the old one")
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the new key file: %v, %v", fi, err)
	}
	if out, err := runRemedy(t, "audit", "verify", "--data", data); err != nil {
		t.Fatalf("the new key: %v\n%s", err, out)
	}
	t.Setenv("REMEDY_KEY", strings.TrimSpace(string(old)))
	if out, err := runRemedy(t, "audit", "verify", "--data", data); exitStatus(err) == 0 || !strings.Contains(out, "refusing to start") {
		t.Fatalf("the old key after rotating: %v\n%s", err, out)
	}
	t.Setenv("REMEDY_KEY", "")
	if out, err := runRemedy(t, "key", "rotate", "--data", data); err == nil || !strings.Contains(out, ".old is still there") {
		t.Fatalf("a second rotation with remedy.key.old in place: %v\n%s", err, out)
	}
}
