package account

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters (RFC 6238) that every authenticator app understands: HMAC-SHA1, 6 digits,
// 30-second steps. A code is accepted for the step before and after the current one, to allow
// for a phone's clock being a little off and for typing time.
const (
	TOTPPeriod = 30
	TOTPDigits = 6
	TOTPSkew   = 1
)

var totpOpts = totp.ValidateOpts{Period: TOTPPeriod, Skew: TOTPSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret makes a random 160-bit secret for accountName, with its otpauth:// URL (what
// the QR code holds) in the key.
func NewTOTPSecret(issuer, accountName string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: accountName, Period: TOTPPeriod, SecretSize: 20, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// TOTPKey rebuilds the key (and so its URL) for a stored base32 secret.
func TOTPKey(issuer, accountName, secret string) (*otp.Key, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil, err
	}
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: accountName, Period: TOTPPeriod, Secret: raw, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// TOTPQRCode renders a key's otpauth:// URL as a size×size PNG QR code, on our own server: a
// third-party QR service would learn the secret.
func TOTPQRCode(key *otp.Key, size int) ([]byte, error) {
	img, err := key.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// GroupSecret spaces a base32 secret in groups of four for typing it in by hand.
func GroupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TOTPStep is the RFC 6238 time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// VerifyTOTP checks a 6-digit code against secret at now, allowing one step of skew either
// way, and returns the time step the code belongs to, which the caller must record
// (store.AcceptTOTPStep) so that the code cannot be used again. Every step in the window is
// computed and compared in constant time, so timing does not tell which one matched.
func VerifyTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = normalizeTOTP(code)
	if len(code) != TOTPDigits {
		return 0, false
	}
	current := TOTPStep(now)
	for d := int64(-TOTPSkew); d <= TOTPSkew; d++ {
		s := current + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*TOTPPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			// On the (one in a million) chance that two steps share a code, the later one wins:
			// it is the one that refuses more replays.
			step, ok = s, true
		}
	}
	return step, ok
}

// normalizeTOTP drops the spaces and dashes some apps display inside codes, and turns
// full-width digits (from a Japanese or Chinese input method) into ASCII.
func normalizeTOTP(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\u3000':
			return -1
		}
		return 'x' // anything else makes the code invalid without dropping characters silently
	}, strings.TrimSpace(code))
}

// looksLikeTOTP tells a 6-digit code from a recovery code in the one field that takes both.
func looksLikeTOTP(code string) bool {
	n := normalizeTOTP(code)
	return len(n) == TOTPDigits && !strings.Contains(n, "x")
}
