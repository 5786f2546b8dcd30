package seal

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	sealVersion = 1
	wrapVersion = 1
	nonceSize   = chacha20poly1305.NonceSizeX
	tagSize     = chacha20poly1305.Overhead
	headerSize  = 1 + nonceSize
	// sealOverhead is the fixed part of every non-empty sealed value.
	sealOverhead = headerSize + tagSize
	padBucket    = 32
	lenPrefix    = 4
	wrappedSize  = headerSize + keySize + tagSize
	// Stay below the AEAD's own limit so Open never panics on hostile input.
	maxSealed = 1 << 37
)

// wrapAD binds wrapped keys to their purpose so no other ciphertext made
// with the wrap key could be passed off as a case key.
var wrapAD = []byte("remedy/seal/v1/case-key")

type wrapper struct {
	aead     cipher.AEAD
	id       string
	verifier []byte
}

func (w wrapper) seal(plain, ad []byte) ([]byte, error) {
	if w.aead == nil {
		return nil, ErrWrongKey
	}
	out := make([]byte, headerSize, headerSize+len(plain)+tagSize)
	out[0] = wrapVersion
	if _, err := rand.Read(out[1:headerSize]); err != nil {
		return nil, fmt.Errorf("seal: generate nonce: %w", err)
	}
	return w.aead.Seal(out, out[1:headerSize], plain, ad), nil
}

func (w wrapper) open(sealed, ad []byte) ([]byte, error) {
	if w.aead == nil || len(sealed) < headerSize+tagSize || sealed[0] != wrapVersion {
		return nil, ErrWrongKey
	}
	plain, err := w.aead.Open(nil, sealed[1:headerSize], sealed[headerSize:], ad)
	if err != nil {
		return nil, ErrWrongKey
	}
	return plain, nil
}

// A CaseKey is a per-case 32-byte data key. It is stored only wrapped by the
// KEK (see NewCaseKey and UnwrapCaseKey).
type CaseKey struct {
	aead cipher.AEAD
}

// Format keeps key material out of logs even with %#v or %x.
func (c CaseKey) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, "seal.CaseKey(redacted)")
}

// NewCaseKey makes a random case key and returns it together with its
// wrapped form, which is what gets stored.
func (k *Keyring) NewCaseKey() (key *CaseKey, wrapped []byte, err error) {
	raw := make([]byte, keySize)
	defer clear(raw)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, fmt.Errorf("seal: generate case key: %w", err)
	}
	key, err = newCaseKey(raw)
	if err != nil {
		return nil, nil, err
	}
	w, _ := k.wrapperFor(k.CurrentID())
	wrapped, err = w.seal(raw, wrapAD)
	return key, wrapped, err
}

// RewrapCaseKey unwraps a case key with whichever known KEK wrapped it and wraps it again under
// the current one (a key rotation). It answers the new wrapped key and the current KEK's id.
func (k *Keyring) RewrapCaseKey(wrapped []byte) ([]byte, string, error) {
	raw, err := k.unwrapRaw(wrapped)
	if err != nil {
		return nil, "", err
	}
	defer clear(raw)
	id := k.CurrentID()
	w, _ := k.wrapperFor(id)
	out, err := w.seal(raw, wrapAD)
	return out, id, err
}

// unwrapRaw tries the current KEK first, then the others the keyring knows.
func (k *Keyring) unwrapRaw(wrapped []byte) ([]byte, error) {
	if len(wrapped) != wrappedSize || wrapped[0] != wrapVersion {
		return nil, fmt.Errorf("seal: unwrap case key with keyring %s: malformed wrapped key: %w", k.id, ErrWrongKey)
	}
	k.mu.RLock()
	ws := make([]wrapper, 0, len(k.wraps))
	ws = append(ws, k.wraps[k.current])
	for id, w := range k.wraps {
		if id != k.current {
			ws = append(ws, w)
		}
	}
	k.mu.RUnlock()
	for _, w := range ws {
		if raw, err := w.aead.Open(nil, wrapped[1:headerSize], wrapped[headerSize:], wrapAD); err == nil {
			return raw, nil
		}
	}
	return nil, fmt.Errorf("seal: unwrap case key with keyring %s (was REMEDY_KEY or the key file changed?): %w",
		k.id, ErrWrongKey)
}

// UnwrapCaseKey recovers a case key wrapped by NewCaseKey. Any failure is
// ErrWrongKey: the AEAD cannot tell a different KEK from tampering, and the
// former is by far the likelier cause in practice.
func (k *Keyring) UnwrapCaseKey(wrapped []byte) (*CaseKey, error) {
	if len(wrapped) != wrappedSize {
		return nil, fmt.Errorf("seal: unwrap case key with keyring %s: wrapped key is %d bytes, want %d: %w",
			k.id, len(wrapped), wrappedSize, ErrWrongKey)
	}
	if wrapped[0] != wrapVersion {
		return nil, fmt.Errorf("seal: unwrap case key with keyring %s: unknown version %d: %w",
			k.id, wrapped[0], ErrWrongKey)
	}
	raw, err := k.unwrapRaw(wrapped)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	return newCaseKey(raw)
}

func newCaseKey(raw []byte) (*CaseKey, error) {
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return nil, fmt.Errorf("seal: case key cipher: %w", err)
	}
	return &CaseKey{aead: aead}, nil
}

// paddedLen is the bucket a plaintext of n bytes is padded to, including the
// length prefix.
func paddedLen(n int) int {
	return (lenPrefix + n + padBucket - 1) / padBucket * padBucket
}

// Seal encrypts plaintext for the named field. The output is
// version | 24-byte nonce | XChaCha20-Poly1305(len32 | plaintext | zeros).
// Empty plaintext seals to nil so absent fields cost nothing; note that this
// means emptiness itself is not hidden. Seal panics if plaintext is 4 GiB or
// more, which no form field can reach.
func (c *CaseKey) Seal(field string, plaintext []byte) []byte {
	if len(plaintext) == 0 {
		return nil
	}
	if uint64(len(plaintext)) > math.MaxUint32-lenPrefix-padBucket {
		panic("seal: plaintext too large")
	}
	pl := paddedLen(len(plaintext))
	out := make([]byte, headerSize+pl, headerSize+pl+tagSize)
	out[0] = sealVersion
	nonce := out[1:headerSize]
	// crypto/rand.Read never fails (it crashes the program instead), which is
	// why Seal needs no error result.
	rand.Read(nonce)
	body := out[headerSize:]
	binary.BigEndian.PutUint32(body, uint32(len(plaintext)))
	copy(body[lenPrefix:], plaintext)
	// Encrypt in place: body is exactly where Seal appends to out[:headerSize].
	return c.aead.Seal(out[:headerSize], nonce, body, []byte(field))
}

// Open decrypts a value produced by Seal for the same field. nil or empty
// input opens to empty. Every failure wraps ErrCorrupt.
func (c *CaseKey) Open(field string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	if len(sealed) < sealOverhead+padBucket || len(sealed) > maxSealed ||
		(len(sealed)-sealOverhead)%padBucket != 0 {
		return nil, fmt.Errorf("seal: open %q: bad length %d: %w", field, len(sealed), ErrCorrupt)
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("seal: open %q: unknown version %d: %w", field, sealed[0], ErrCorrupt)
	}
	body, err := c.aead.Open(nil, sealed[1:headerSize], sealed[headerSize:], []byte(field))
	if err != nil {
		return nil, fmt.Errorf("seal: open %q: authentication failed (wrong field, wrong case key or tampered): %w",
			field, ErrCorrupt)
	}
	n := binary.BigEndian.Uint32(body)
	if uint64(n) > uint64(len(body)-lenPrefix) || paddedLen(int(n)) != len(body) {
		return nil, fmt.Errorf("seal: open %q: bad padding: %w", field, ErrCorrupt)
	}
	for _, b := range body[lenPrefix+int(n):] {
		if b != 0 {
			return nil, fmt.Errorf("seal: open %q: bad padding: %w", field, ErrCorrupt)
		}
	}
	return body[lenPrefix : lenPrefix+int(n) : lenPrefix+int(n)], nil
}

// SealString is Seal for strings.
func (c *CaseKey) SealString(field, s string) []byte {
	return c.Seal(field, []byte(s))
}

// OpenString is Open for strings.
func (c *CaseKey) OpenString(field string, sealed []byte) (string, error) {
	b, err := c.Open(field, sealed)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
