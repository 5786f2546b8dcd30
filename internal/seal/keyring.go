package seal

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// keySize is the size of the KEK and of case keys.
const keySize = 32

// HKDF info strings. Changing any of them makes existing data unreadable.
const (
	infoWrap    = "remedy/seal/v1/case-key-wrap"
	infoReceipt = "remedy/seal/v1/receipt-hmac"
	infoToken   = "remedy/seal/v1/token-hmac"
	infoID      = "remedy/seal/v1/key-id"
	infoVerify  = "remedy/seal/v1/key-verifier"
)

// Associated data for what a KEK wraps besides case keys: another KEK (during a rotation) and
// the root subkeys (after one).
var (
	kekAD  = []byte("remedy/seal/v1/next-kek")
	rootAD = []byte("remedy/seal/v1/root-subkeys")
)

var (
	// ErrWrongKey means a wrapped case key did not authenticate: either the
	// keyring holds a different KEK than the one that wrapped it, or the
	// wrapped key was altered.
	ErrWrongKey = errors.New("seal: wrong key or tampered wrapped key")
	// ErrCorrupt means a sealed field did not authenticate or is malformed.
	ErrCorrupt = errors.New("seal: ciphertext corrupt or tampered")
)

// Keyring holds keys derived from the key-encryption key (KEK) with
// HKDF-SHA256: one for wrapping case keys, one for receipt HMACs and one for
// token HMACs. The raw KEK itself is not retained, and never goes in the
// database.
//
// During and after a key rotation a keyring knows more than one KEK: case keys are wrapped
// under the current one and unwrapped with whichever wrapped them. The receipt and token
// subkeys cannot change (receipts are kept only as hashes), so after a rotation they are the
// first key's, carried over wrapped under the new KEK (AdoptRoot).
type Keyring struct {
	mu         *sync.RWMutex
	wraps      map[string]wrapper // by KEK id
	current    string             // the KEK new case keys are wrapped under
	receiptKey []byte
	tokenKey   []byte
	id         string // the KEK the keyring was made from
	verifier   []byte
}

// NewKeyring derives a keyring from a 32-byte KEK. The caller keeps ownership
// of kek and may clear it afterwards.
func NewKeyring(kek []byte) (*Keyring, error) {
	if len(kek) != keySize {
		return nil, fmt.Errorf("seal: KEK must be exactly %d bytes, got %d", keySize, len(kek))
	}
	derive := func(info string) ([]byte, error) {
		return hkdf.Key(sha256.New, kek, nil, info, keySize)
	}
	wrapKey, err := derive(infoWrap)
	if err != nil {
		return nil, fmt.Errorf("seal: derive wrap key: %w", err)
	}
	defer clear(wrapKey)
	receiptKey, err := derive(infoReceipt)
	if err != nil {
		return nil, fmt.Errorf("seal: derive receipt key: %w", err)
	}
	tokenKey, err := derive(infoToken)
	if err != nil {
		return nil, fmt.Errorf("seal: derive token key: %w", err)
	}
	idKey, err := derive(infoID)
	if err != nil {
		return nil, fmt.Errorf("seal: derive key id: %w", err)
	}
	sum := sha256.Sum256(idKey)
	clear(idKey)
	w, err := newWrapper(kek)
	if err != nil {
		return nil, err
	}
	id := hex.EncodeToString(sum[:])[:8]
	return &Keyring{
		mu:         new(sync.RWMutex),
		wraps:      map[string]wrapper{id: w},
		current:    id,
		receiptKey: receiptKey,
		tokenKey:   tokenKey,
		id:         id,
		verifier:   w.verifier,
	}, nil
}

// newWrapper derives the wrapping cipher, the id and the verifier of one KEK.
func newWrapper(kek []byte) (wrapper, error) {
	if len(kek) != keySize {
		return wrapper{}, fmt.Errorf("seal: KEK must be exactly %d bytes, got %d", keySize, len(kek))
	}
	wrapKey, err := hkdf.Key(sha256.New, kek, nil, infoWrap, keySize)
	if err != nil {
		return wrapper{}, fmt.Errorf("seal: derive wrap key: %w", err)
	}
	defer clear(wrapKey)
	idKey, err := hkdf.Key(sha256.New, kek, nil, infoID, keySize)
	if err != nil {
		return wrapper{}, fmt.Errorf("seal: derive key id: %w", err)
	}
	sum := sha256.Sum256(idKey)
	clear(idKey)
	verifier, err := hkdf.Key(sha256.New, kek, nil, infoVerify, keySize)
	if err != nil {
		return wrapper{}, fmt.Errorf("seal: derive verifier: %w", err)
	}
	aead, err := chacha20poly1305.NewX(wrapKey)
	if err != nil {
		return wrapper{}, fmt.Errorf("seal: wrap cipher: %w", err)
	}
	return wrapper{aead: aead, id: hex.EncodeToString(sum[:])[:8], verifier: verifier}, nil
}

// Verifier is what the database keeps to recognise the KEK: an HKDF output under an info string
// of its own, from which neither the KEK nor any other subkey can be computed.
func (k *Keyring) Verifier() []byte { return k.verifier }

// CurrentID is the id of the KEK new case keys are wrapped under.
func (k *Keyring) CurrentID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// Knows reports whether the keyring holds the KEK with this id.
func (k *Keyring) Knows(id string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, ok := k.wraps[id]
	return ok
}

// AddKEK teaches the keyring another KEK and, with makeCurrent, wraps new case keys under it
// from now on. It answers the KEK's id.
func (k *Keyring) AddKEK(kek []byte, makeCurrent bool) (string, error) {
	w, err := newWrapper(kek)
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.wraps[w.id] = w
	if makeCurrent {
		k.current = w.id
	}
	return w.id, nil
}

func (k *Keyring) wrapperFor(id string) (wrapper, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	w, ok := k.wraps[id]
	return w, ok
}

// SealKEK wraps another KEK (the next one, during a rotation) under the keyring's own KEK.
func (k *Keyring) SealKEK(kek []byte) ([]byte, error) {
	w, _ := k.wrapperFor(k.id)
	return w.seal(kek, kekAD)
}

// OpenKEK opens what SealKEK sealed. The caller clears the result.
func (k *Keyring) OpenKEK(sealed []byte) ([]byte, error) {
	w, _ := k.wrapperFor(k.id)
	return w.open(sealed, kekAD)
}

// ExportRoot wraps the keyring's receipt and token subkeys under the KEK with id, for the
// database to carry them over a rotation.
func (k *Keyring) ExportRoot(id string) ([]byte, error) {
	w, ok := k.wrapperFor(id)
	if !ok {
		return nil, fmt.Errorf("seal: export root under unknown key %s", id)
	}
	root := append(append([]byte{}, k.receiptKey...), k.tokenKey...)
	defer clear(root)
	return w.seal(root, rootAD)
}

// AdoptRoot replaces the receipt and token subkeys with the first key's, as ExportRoot wrapped
// them under this keyring's KEK. It is called once, before the keyring is used.
func (k *Keyring) AdoptRoot(sealed []byte) error {
	w, _ := k.wrapperFor(k.id)
	root, err := w.open(sealed, rootAD)
	if err != nil {
		return err
	}
	if len(root) != 2*keySize {
		return ErrWrongKey
	}
	k.receiptKey, k.tokenKey = root[:keySize], root[keySize:]
	return nil
}

// ID is a short fingerprint for telling keys apart in logs and "wrong key"
// errors. It hashes a derived value, not the KEK, so it reveals nothing usable.
func (k *Keyring) ID() string { return k.id }

// Format keeps key material out of logs even with %#v or %x.
func (k Keyring) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "seal.Keyring(id=%s)", k.id)
}
