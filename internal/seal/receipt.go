package seal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"unicode"

	"github.com/remedy-grievance/remedy/internal/digits"
)

const receiptDigits = 16

var receiptSpace = big.NewInt(10_000_000_000_000_000) // 10^16, about 2^53.15

// NewReceipt returns a uniformly random 16-digit receipt such as
// "0123456789012345". It is the reporter's only credential: show it once and
// store only ReceiptHash of it.
func (k *Keyring) NewReceipt() (string, error) {
	n, err := rand.Int(rand.Reader, receiptSpace)
	if err != nil {
		return "", fmt.Errorf("seal: generate receipt: %w", err)
	}
	return fmt.Sprintf("%0*d", receiptDigits, n.Int64()), nil
}

// receiptSeparator reports characters people or IMEs put between digit
// groups: spaces of any kind, hyphens/dashes and dots, ASCII or full-width,
// and invisible format characters such as the direction marks that come
// along when digits are copied out of right-to-left text.
func receiptSeparator(r rune) bool {
	switch r {
	case '-', '.', '\uFF0D', '\uFF0E', '\u2212', '\u30FC', '\u3002':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || (r >= '\u2010' && r <= '\u2015')
}

// NormalizeReceipt turns what a reporter typed into the canonical 16 ASCII
// digits, dropping separators. ok is false for anything else.
func NormalizeReceipt(s string) (string, bool) {
	var out [receiptDigits]byte
	n := 0
	for _, r := range s {
		if d, ok := digits.Value(r); ok {
			if n == receiptDigits {
				return "", false
			}
			out[n] = '0' + d
			n++
			continue
		}
		if !receiptSeparator(r) {
			return "", false
		}
	}
	if n != receiptDigits {
		return "", false
	}
	return string(out[:]), true
}

// FormatReceipt groups a receipt as "0123 4567 8901 2345" for display.
// Input that is not a valid receipt is returned unchanged.
func FormatReceipt(r string) string {
	norm, ok := NormalizeReceipt(r)
	if !ok {
		return r
	}
	var b strings.Builder
	for i := 0; i < receiptDigits; i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(norm[i : i+4])
	}
	return b.String()
}

// ReceiptHash is the stored form of a normalized receipt. It is keyed so
// that a copy of the database alone cannot be brute-forced over the small
// receipt space.
func (k *Keyring) ReceiptHash(normalized string) []byte {
	return mac(k.receiptKey, normalized)
}

// TokenPrefix starts every API token, so a leaked one is easy to recognise and scan for.
const TokenPrefix = "rmd_"

// NewToken returns an API bearer token ("rmd_" + 43 base64url characters)
// and the hash to store for it.
func (k *Keyring) NewToken() (token string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("seal: generate token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, k.TokenHash(token), nil
}

// TokenHash is the stored form of a token; look tokens up by it.
func (k *Keyring) TokenHash(token string) []byte {
	return mac(k.tokenKey, token)
}

func mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
