package account

import (
	"crypto/rand"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/seal"
)

// Recovery codes let someone who lost their authenticator sign in; each works once. Ten codes
// of ten characters from a 31-character alphabet with no look-alikes (no 0/o, 1/l/i), about 49
// bits each: stored as keyed hashes and tried only through the sign-in budgets, they are far
// beyond guessing.
const (
	RecoveryCodeCount  = 10
	recoveryCodeLength = 10
	recoveryAlphabet   = "23456789abcdefghjkmnpqrstuvwxyz"
)

// NewRecoveryCodes makes a fresh set of codes, formatted "xxxxx-xxxxx" for showing once.
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		var b strings.Builder
		for j := range recoveryCodeLength {
			if j == recoveryCodeLength/2 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[randIndex(len(recoveryAlphabet))])
		}
		codes[i] = b.String()
	}
	return codes
}

// randIndex draws uniformly from [0, n) by rejection, so no character is likelier than another.
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// NormalizeRecoveryCode turns what a user typed into the stored form: lower case, without
// spaces or dashes. It answers false for anything that cannot be a recovery code.
func NormalizeRecoveryCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\u3000' || r == '\t':
			continue
		case r < 128 && strings.ContainsRune(recoveryAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != recoveryCodeLength {
		return "", false
	}
	return b.String(), true
}

// RecoveryCodeHash is the stored form of a normalized code: a keyed hash bound to its user, so
// equal codes of two users do not look equal in the database.
func RecoveryCodeHash(keys *seal.Keyring, userID int64, normalized string) []byte {
	return keys.TokenHash("recovery:" + strconv.FormatInt(userID, 10) + ":" + normalized)
}
