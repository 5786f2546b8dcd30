package seal

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// Secrets that belong to no case (a staff member's TOTP secret, for one) are sealed with keys
// of their own rather than with a case key. The Keyring does not keep the KEK, so each purpose's
// key is derived with HKDF-SHA256 from the token subkey (itself derived from the KEK), with an
// info string that names the purpose. HKDF's extract step keys HMAC with a zero salt, never with
// the token subkey, so no secret-sealing key can be computed from stored token hashes, nor the
// other way round. Changing secretInfo or the token subkey's derivation makes sealed secrets
// unreadable.
const (
	secretInfo    = "remedy/seal/v1/secret/"
	secretVersion = 1
)

// secretAEAD is the cipher for one purpose. Deriving it costs two HMACs, cheap enough to do per
// call: secrets are opened at sign-in, not on every request.
func (k *Keyring) secretAEAD(purpose string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, k.tokenKey, nil, secretInfo+purpose, keySize)
	if err != nil {
		return nil, fmt.Errorf("seal: derive secret key: %w", err)
	}
	defer clear(key)
	return chacha20poly1305.NewX(key)
}

// SealSecret encrypts a small secret that belongs to no case with XChaCha20-Poly1305 under a
// key derived for purpose (e.g. "totp/user/42"); the purpose is also the associated data, so a
// sealed secret opens only for the purpose it was sealed for. The output is a version byte,
// the 24-byte random nonce and the ciphertext with its tag. The plaintext's length is not
// hidden: these secrets have fixed sizes.
func (k *Keyring) SealSecret(purpose string, plaintext []byte) ([]byte, error) {
	aead, err := k.secretAEAD(purpose)
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerSize, headerSize+len(plaintext)+tagSize)
	out[0] = secretVersion
	if _, err := rand.Read(out[1:headerSize]); err != nil {
		return nil, fmt.Errorf("seal: generate nonce: %w", err)
	}
	return aead.Seal(out, out[1:headerSize], plaintext, []byte(secretInfo+purpose)), nil
}

// OpenSecret decrypts what SealSecret sealed for the same purpose with the same keyring. Any
// mismatch (another purpose, another keyring, an altered byte) is ErrCorrupt.
func (k *Keyring) OpenSecret(purpose string, sealed []byte) ([]byte, error) {
	if len(sealed) < headerSize+tagSize || sealed[0] != secretVersion {
		return nil, fmt.Errorf("seal: open secret with keyring %s: %w", k.id, ErrCorrupt)
	}
	aead, err := k.secretAEAD(purpose)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, sealed[1:headerSize], sealed[headerSize:], []byte(secretInfo+purpose))
	if err != nil {
		return nil, fmt.Errorf("seal: open secret with keyring %s: %w", k.id, ErrCorrupt)
	}
	return plain, nil
}
