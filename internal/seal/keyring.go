package seal

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

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
type Keyring struct {
	wrap       wrapper
	receiptKey []byte
	tokenKey   []byte
	id         string
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

	aead, err := chacha20poly1305.NewX(wrapKey)
	if err != nil {
		return nil, fmt.Errorf("seal: wrap cipher: %w", err)
	}
	return &Keyring{
		wrap:       wrapper{aead: aead},
		receiptKey: receiptKey,
		tokenKey:   tokenKey,
		id:         hex.EncodeToString(sum[:])[:8],
	}, nil
}

// ID is a short fingerprint for telling keys apart in logs and "wrong key"
// errors. It hashes a derived value, not the KEK, so it reveals nothing usable.
func (k *Keyring) ID() string { return k.id }

// Format keeps key material out of logs even with %#v or %x.
func (k Keyring) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "seal.Keyring(id=%s)", k.id)
}
