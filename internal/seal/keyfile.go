package seal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LoadKeyring loads the KEK and derives a keyring from it.
//
// If envValue (REMEDY_KEY) is non-empty it is the KEK, as 64 hex characters
// or base64 (standard or URL alphabet, padded or not) of 32 bytes, and
// keyFile is ignored. Otherwise keyFile is read: 64 hex characters and an
// optional newline, in a file with no group or other permission bits. If
// keyFile does not exist a new random KEK is written there atomically with
// mode 0600 and created is true; the parent directory must already exist so
// a mistyped path fails instead of silently starting with a fresh key.
func LoadKeyring(keyFile, envValue string) (k *Keyring, created bool, err error) {
	if envValue != "" {
		kek, err := parseEnvKey(envValue)
		if err != nil {
			return nil, false, err
		}
		defer clear(kek)
		k, err := NewKeyring(kek)
		return k, false, err
	}
	if keyFile == "" {
		return nil, false, errors.New("seal: no key: set REMEDY_KEY or configure a key file path")
	}
	k, err = readKeyFile(keyFile)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	return createKeyFile(keyFile)
}

// parseEnvKey never puts the value, or decoder errors quoting it, in errors.
func parseEnvKey(v string) ([]byte, error) {
	s := strings.TrimSpace(v)
	if len(s) == 2*keySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	decoded := -1
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		b, err := enc.Strict().DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) == keySize {
			return b, nil
		}
		clear(b)
		decoded = len(b)
	}
	msg := fmt.Sprintf("seal: REMEDY_KEY must be a %d-byte key written as %d hex characters or base64 "+
		"(generate one with: openssl rand -hex %d); got %d characters", keySize, 2*keySize, keySize, len(s))
	if decoded >= 0 {
		msg += fmt.Sprintf(" decoding to %d bytes", decoded)
	} else {
		msg += " that are neither hex nor base64"
	}
	return nil, errors.New(msg)
}

func readKeyFile(path string) (*Keyring, error) {
	kek, err := ReadKeyFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	return NewKeyring(kek)
}

// ReadKeyFile reads a key file's raw KEK, with the checks LoadKeyring makes. The caller
// clears it.
func ReadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the checked file is the read file.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: key file %s is not a regular file", path)
	}
	// Windows has no Unix permission bits; Go reports 0666 there.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("seal: key file %s has permissions %04o, so group or others can read or change "+
			"the key; refusing to use it. Fix with: chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4*keySize))
	if err != nil {
		return nil, fmt.Errorf("seal: read key file %s: %w", path, err)
	}
	defer clear(data)
	s := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if len(s) != 2*keySize {
		return nil, fmt.Errorf("seal: key file %s must hold exactly %d hex characters (a %d-byte key) "+
			"and an optional newline; found %d bytes", path, 2*keySize, keySize, len(data))
	}
	kek, err := hex.DecodeString(s)
	if err != nil {
		// hex errors quote the offending byte, which is key material.
		return nil, fmt.Errorf("seal: key file %s does not contain valid hex", path)
	}
	return kek, nil
}

// NewKEK makes a random key-encryption key. The caller clears it.
func NewKEK() ([]byte, error) {
	kek := make([]byte, keySize)
	if _, err := rand.Read(kek); err != nil {
		return nil, fmt.Errorf("seal: generate key: %w", err)
	}
	return kek, nil
}

// WriteKeyFile writes kek to path atomically (a synced temporary file renamed over it), with
// mode 0600, replacing what was there.
func WriteKeyFile(path string, kek []byte) error {
	if len(kek) != keySize {
		return fmt.Errorf("seal: KEK must be exactly %d bytes, got %d", keySize, len(kek))
	}
	dir := filepath.Dir(path)
	content := []byte(hex.EncodeToString(kek) + "\n")
	defer clear(content)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("seal: create key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSynced(tmp, content); err != nil {
		return fmt.Errorf("seal: write key file %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("seal: install key file %s: %w", path, err)
	}
	return syncDir(dir)
}

// createKeyFile publishes the new key with a hard link rather than a rename:
// a link fails if the name exists, so two processes starting at once cannot
// overwrite each other's key after one has begun encrypting with it.
func createKeyFile(path string) (*Keyring, bool, error) {
	dir := filepath.Dir(path)
	kek := make([]byte, keySize)
	defer clear(kek)
	if _, err := rand.Read(kek); err != nil {
		return nil, false, fmt.Errorf("seal: generate key: %w", err)
	}
	k, err := NewKeyring(kek)
	if err != nil {
		return nil, false, err
	}
	content := []byte(hex.EncodeToString(kek) + "\n")
	defer clear(content)

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, false, fmt.Errorf("seal: create key file %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a link or rename this only drops the temp name, if any
	if err := writeSynced(tmp, content); err != nil {
		return nil, false, fmt.Errorf("seal: write key file %s: %w", path, err)
	}

	switch err := os.Link(tmpName, path); {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		// Another process won the race; use its key.
		k, err := readKeyFile(path)
		return k, false, err
	default:
		// Some filesystems lack hard links. Rename is still atomic, only the
		// concurrent-start guard is weaker.
		if _, serr := os.Lstat(path); serr == nil {
			k, err := readKeyFile(path)
			return k, false, err
		}
		if err := os.Rename(tmpName, path); err != nil {
			return nil, false, fmt.Errorf("seal: install key file %s: %w", path, err)
		}
	}
	if err := syncDir(dir); err != nil {
		return nil, false, fmt.Errorf("seal: sync directory of key file %s: %w", path, err)
	}
	return k, true, nil
}

func writeSynced(f *os.File, content []byte) error {
	// CreateTemp already uses 0600; be explicit in case that ever changes.
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(content)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes the new directory entry durable, so a crash right after
// first start cannot lose the key while data encrypted under it survives.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be fsynced there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
