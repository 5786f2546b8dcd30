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

// Receipts issued now are 20 random digits and a Damm check digit (ReceiptDigits, about 66.4
// bits); those issued before are 16 random digits with no check digit (LegacyReceiptDigits, about
// 53.2 bits) and keep working. The check digit adds nothing against guessing (anyone can compute
// it) but catches every single mistyped digit and every swap of two neighbours before the
// receipt is looked up or charged to a guessing budget.
const (
	ReceiptDigits       = 21
	LegacyReceiptDigits = 16
	randomDigits        = ReceiptDigits - 1
)

var receiptSpace = new(big.Int).Exp(big.NewInt(10), big.NewInt(randomDigits), nil) // 10^20

// ReceiptKind says what a typed receipt is, before any lookup.
type ReceiptKind int

const (
	ReceiptMalformed ReceiptKind = iota // not digits, or a length no receipt has
	ReceiptTypo                         // 21 digits whose check digit does not match: a typing mistake
	ReceiptLegacy                       // 16 digits, issued before check digits
	ReceiptCurrent                      // 21 digits with a matching check digit
)

// NewReceipt returns a uniformly random receipt of 20 digits and a check digit, such as
// "012345678901234567891". It is the reporter's only credential: show it once and store only
// ReceiptHash of it.
func (k *Keyring) NewReceipt() (string, error) {
	n, err := rand.Int(rand.Reader, receiptSpace)
	if err != nil {
		return "", fmt.Errorf("seal: generate receipt: %w", err)
	}
	body := fmt.Sprintf("%0*s", randomDigits, n.String())
	return body + string(rune('0'+DammDigit(body))), nil
}

// dammTable is the quasigroup of order 10 from H. Michael Damm's thesis (2004): its check digit
// detects all single-digit errors and all adjacent transpositions.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// DammDigit is the check digit of a string of ASCII digits (0 for the empty string); appending
// it makes DammValid true. Anything but ASCII digits panics: callers normalise first.
func DammDigit(ascii string) byte {
	var interim byte
	for i := 0; i < len(ascii); i++ {
		interim = dammTable[interim][ascii[i]-'0']
	}
	return interim
}

// DammValid reports whether a string of ASCII digits ends in its correct check digit.
func DammValid(ascii string) bool { return len(ascii) > 0 && DammDigit(ascii) == 0 }

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

// ParseReceipt turns what a reporter typed into canonical ASCII digits, dropping separators, and
// says what it is. normalized is empty unless kind is ReceiptLegacy or ReceiptCurrent.
func ParseReceipt(s string) (normalized string, kind ReceiptKind) {
	var out [ReceiptDigits]byte
	n := 0
	for _, r := range s {
		if d, ok := digits.Value(r); ok {
			if n == ReceiptDigits {
				return "", ReceiptMalformed
			}
			out[n] = '0' + d
			n++
			continue
		}
		if !receiptSeparator(r) {
			return "", ReceiptMalformed
		}
	}
	switch {
	case n == LegacyReceiptDigits:
		return string(out[:n]), ReceiptLegacy
	case n == ReceiptDigits && DammValid(string(out[:n])):
		return string(out[:n]), ReceiptCurrent
	case n == ReceiptDigits:
		return "", ReceiptTypo
	}
	return "", ReceiptMalformed
}

// NormalizeReceipt is ParseReceipt for callers that only need a usable receipt: ok is true for a
// legacy receipt and for a current one whose check digit matches.
func NormalizeReceipt(s string) (string, bool) {
	n, kind := ParseReceipt(s)
	return n, kind == ReceiptLegacy || kind == ReceiptCurrent
}

// FormatReceipt groups a receipt for display: a current one in seven groups of three
// ("012 345 678 901 234 567 891", easy to read aloud), a legacy one in four groups of four.
// Input that is not a valid receipt is returned unchanged.
func FormatReceipt(r string) string {
	norm, ok := NormalizeReceipt(r)
	if !ok {
		return r
	}
	group := 3
	if len(norm) == LegacyReceiptDigits {
		group = 4
	}
	var b strings.Builder
	for i := 0; i < len(norm); i += group {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(norm[i : i+group])
	}
	return b.String()
}

// SourceHash is the stored name of a network prefix in a shared budget: keyed, so the budget
// table never holds an address, and the same on every instance that shares the key. The
// domain prefix keeps it apart from receipt hashes (receipts are digits only).
func (k *Keyring) SourceHash(prefix string) []byte {
	return mac(k.receiptKey, "source\x00"+prefix)
}

// AccountHash names a staff sign-in address in the shared sign-in budgets, known account or
// not, so that the budget table holds no email address.
func (k *Keyring) AccountHash(email string) []byte {
	return mac(k.receiptKey, "account\x00"+email)
}

// DeviceMAC authenticates a browser's device cookie for a sign-in address: the browser signed
// in there before with the right password.
func (k *Keyring) DeviceMAC(email, nonce string) []byte {
	return mac(k.tokenKey, "device\x00"+email+"\x00"+nonce)
}

// ChallengeMAC authenticates a proof-of-work challenge the server issued.
func (k *Keyring) ChallengeMAC(challenge string) []byte {
	return mac(k.receiptKey, "challenge\x00"+challenge)
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

// SetupLinkHash is the stored form of a staff set-up link's token. The domain prefix keeps it
// apart from session and API token hashes made with the same key, so that no value stored as one
// kind can ever be presented as the other.
func (k *Keyring) SetupLinkHash(token string) []byte {
	return mac(k.tokenKey, "setup-link\x00"+token)
}

func mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
