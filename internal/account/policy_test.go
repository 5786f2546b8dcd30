package account

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestPasswordPolicy(t *testing.T) {
	const email, name = "jane.doe@ngo-example.org", "Jane Doe"
	for _, tc := range []struct {
		pw, want string
	}{
		// Length counts characters, not bytes.
		{"", PasswordTooShort},
		{"Tr0ub4dor&3", PasswordTooShort},
		{"パスワードパスワード", PasswordTooShort}, // 10 characters, 30 bytes
		{strings.Repeat("tea kettle ", 24), PasswordTooLong},
		// Common passwords and their usual disguises.
		{"password1234", PasswordCommon},
		{"Password2024!", PasswordCommon},
		{"P@ssw0rd2024", PasswordCommon},
		{"PASSWORD!!!!", PasswordCommon},
		{"mypassword12", PasswordCommon},
		{"drowssap1234", PasswordCommon},
		{"iloveyou1234", PasswordCommon},
		{"iloveyoumonkey", PasswordCommon},
		{"i love you forever", PasswordCommon},
		{"sunshine2025!", PasswordCommon},
		{"Welcome12345", PasswordCommon},
		{"anhyeuem1234", PasswordCommon},
		{"bismillah786!", PasswordCommon},
		{"remedy-admin-1", PasswordCommon},
		// Walks and repetition.
		{"qwertyuiop12", PasswordCommon},
		{"qwerty123456", PasswordCommon},
		{"1qaz2wsx3edc", PasswordCommon},
		{"qazwsxedcrfv", PasswordCommon},
		{"123456789012", PasswordCommon},
		{"098765432109", PasswordCommon},
		{"abcdefghijkl", PasswordCommon},
		{"aaaaaaaaaaaa", PasswordCommon},
		{"121212121212", PasswordCommon},
		{"abcabcabcabc", PasswordCommon},
		// The person's own name and address.
		{"janedoe-rocks-2024", PasswordPersonal},
		{"Doe family kettle", ""}, // "doe" alone is too short to count
		{"JANE in the morning", PasswordPersonal},
		{"ngo-example kettle", PasswordPersonal},
		// Good ones.
		{"correct horse battery staple", ""},
		{"tea kettle on a windy moor", ""},
		{"Wj7#pQ2!xZr9", ""},
		{"雨の日は図書館で本を読む", ""},
		{"mưa rơi trên mái nhà cũ", ""},
	} {
		if got := ValidatePassword(tc.pw, email, name); got != tc.want {
			t.Errorf("ValidatePassword(%q) = %q, want %q", tc.pw, got, tc.want)
		}
	}
	if got := ValidatePassword("hiroshi-blue-kettle", "h.tanaka@example.jp", "Tanaka Hiroshi"); got != PasswordPersonal {
		t.Errorf("a given name in the password: %q", got)
	}
}

func TestCommonListLoaded(t *testing.T) {
	if len(commonPasswords) < 500 {
		t.Fatalf("only %d common passwords loaded", len(commonPasswords))
	}
	for _, w := range []string{"password", "123456", "qwerty", "iloveyou"} {
		if !commonPasswords[w] {
			t.Errorf("%q missing", w)
		}
	}
	if commonPasswords[""] || commonPasswords["# common passwords"] {
		t.Error("comments or blank lines loaded as entries")
	}
}

// rfc6238Secret is the RFC 6238 appendix B SHA-1 seed "12345678901234567890" in base32.
const rfc6238Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestVerifyTOTPWithRFC6238Vectors(t *testing.T) {
	// The RFC's 8-digit values, of which authenticator apps show the last 6.
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	} {
		now := time.Unix(tc.unix, 0)
		step, ok := VerifyTOTP(rfc6238Secret, tc.code, now)
		if !ok || step != tc.unix/30 {
			t.Errorf("at %d: %s → step %d, %v", tc.unix, tc.code, step, ok)
		}
	}
	at := time.Unix(59, 0) // step 1
	for _, tc := range []struct {
		name string
		now  time.Time
		code string
		ok   bool
	}{
		{"one step late", at.Add(30 * time.Second), "287082", true},
		{"one step early", at.Add(-30 * time.Second), "287082", true},
		{"two steps late", at.Add(60 * time.Second), "287082", false},
		{"wrong code", at, "287083", false},
		{"spaces", at, " 287 082 ", true},
		{"full-width digits", at, "２８７０８２", true},
		{"too short", at, "28708", false},
		{"too long", at, "2870820", false},
		{"letters", at, "28708a", false},
		{"empty", at, "", false},
	} {
		step, ok := VerifyTOTP(rfc6238Secret, tc.code, tc.now)
		if ok != tc.ok || (ok && step != 1) {
			t.Errorf("%s: step %d, %v", tc.name, step, ok)
		}
	}
}

func TestNewTOTPSecretRoundTrips(t *testing.T) {
	key, err := NewTOTPSecret("Remedy", "jane@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Secret()) != 32 { // 20 bytes in base32
		t.Fatalf("secret %q", key.Secret())
	}
	if !strings.HasPrefix(key.URL(), "otpauth://totp/Remedy:jane@example.org?") || !strings.Contains(key.URL(), "secret="+key.Secret()) {
		t.Fatalf("url %s", key.URL())
	}
	again, err := TOTPKey("Remedy", "jane@example.org", key.Secret())
	if err != nil || again.Secret() != key.Secret() {
		t.Fatalf("rebuilt key %v, %v", again, err)
	}
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	code, _ := totp.GenerateCode(key.Secret(), now)
	if step, ok := VerifyTOTP(key.Secret(), code, now); !ok || step != TOTPStep(now) {
		t.Fatalf("own code refused: %d %v", step, ok)
	}
	png, err := TOTPQRCode(key, 240)
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("QR code: %v", err)
	}
	if g := GroupSecret("ABCDEFGHIJ"); g != "ABCD EFGH IJ" {
		t.Fatalf("grouped %q", g)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	if len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	shape := regexp.MustCompile(`^[` + recoveryAlphabet + `]{5}-[` + recoveryAlphabet + `]{5}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !shape.MatchString(c) {
			t.Errorf("code %q has the wrong shape", c)
		}
		if seen[c] {
			t.Errorf("code %q twice", c)
		}
		seen[c] = true
		if strings.ContainsAny(c, "01ilo") {
			t.Errorf("code %q has an ambiguous character", c)
		}
		n, ok := NormalizeRecoveryCode(" " + strings.ToUpper(c) + " ")
		if !ok || n != strings.ReplaceAll(c, "-", "") {
			t.Errorf("normalize %q = %q %v", c, n, ok)
		}
	}
	for _, bad := range []string{"", "abcde", "abcde-fghjk-m", "abcde-fghj1", "123456", "abcde_fghjk"} {
		if _, ok := NormalizeRecoveryCode(bad); ok {
			t.Errorf("%q accepted as a recovery code", bad)
		}
	}
	if looksLikeTOTP("abcde-fghjk") || !looksLikeTOTP("123 456") {
		t.Error("a recovery code and a TOTP code are confused")
	}
	k := storetest.Keyring(t)
	if string(RecoveryCodeHash(k, 1, "abcdefghjk")) == string(RecoveryCodeHash(k, 2, "abcdefghjk")) {
		t.Error("one code hashes alike for two users")
	}
}
