package account

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password length limits, in characters (runes). The maximum only keeps hashing bounded; a
// password manager's 64 characters are welcome.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// Password problems are catalog keys.
const (
	PasswordTooShort = "staff.password.too_short"
	PasswordTooLong  = "staff.password.too_long"
	PasswordPersonal = "staff.password.personal"
	PasswordCommon   = "staff.password.common"
)

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is the embedded list (see its header for what it is and is not).
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsFile, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// ValidatePassword says what is wrong with a new password, as a catalog key, or "" when it is
// acceptable: at least 12 characters, not built from a common password or a keyboard or
// alphabet walk, and not containing the user's name or the email address's parts. It follows
// NIST SP 800-63B: length and a blocklist, no rules about character classes.
func ValidatePassword(pw, email, name string) (problem string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return PasswordTooShort
	case n > MaxPasswordLength:
		return PasswordTooLong
	}
	cands := candidates(pw)
	for _, p := range personalWords(email, name) {
		for _, c := range cands {
			if strings.Contains(c, p) {
				return PasswordPersonal
			}
		}
	}
	for _, c := range cands {
		if isCommon(c) {
			return PasswordCommon
		}
	}
	if predictable(strings.ToLower(pw)) {
		return PasswordCommon
	}
	return ""
}

// deleet undoes the substitutions people make to satisfy composition rules.
var deleet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "9", "g", "@", "a", "$", "s", "!", "i", "|", "l", "+", "t", "€", "e")

func isLetter(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// trimNonLetters drops the digits and symbols people put before and after a word.
func trimNonLetters(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !isLetter(r) })
}

// lettersOnly keeps the letters: "i love you 2!" → "iloveyou".
func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if isLetter(r) {
			return r
		}
		return -1
	}, s)
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// candidates are the forms of a password compared with the list: lower-cased, with leet
// undone, with digits and symbols trimmed from the ends or removed, and each of those reversed.
func candidates(pw string) []string {
	lower := strings.ToLower(pw)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, v := range []string{s, reverse(s)} {
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	for _, s := range []string{lower, deleet.Replace(lower)} {
		add(s)
		add(trimNonLetters(s))
		add(lettersOnly(s))
	}
	add(deleet.Replace(trimNonLetters(lower)))
	add(deleet.Replace(lettersOnly(lower)))
	return out
}

// minPart is the shortest list entry that counts as part of a longer password.
const minPart = 4

// isCommon reports whether a candidate is a list entry, two joined, or one with at most four
// more characters.
func isCommon(c string) bool {
	if commonPasswords[c] {
		return true
	}
	for i := minPart; i <= len(c)-minPart; i++ {
		if commonPasswords[c[:i]] && commonPasswords[c[i:]] {
			return true
		}
	}
	for w := range commonPasswords {
		if len(w) >= 6 && len(c)-len(w) <= 4 && strings.Contains(c, w) {
			return true
		}
	}
	return false
}

// personalWords are the parts of the user's email and name a password must not contain.
func personalWords(email, name string) []string {
	var out []string
	add := func(s string) {
		if utf8.RuneCountInString(s) >= 4 {
			out = append(out, s)
		}
	}
	email = strings.ToLower(strings.TrimSpace(email))
	local, domain, _ := strings.Cut(email, "@")
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !isLetter(r) && !unicode.IsDigit(r) })
	}
	add(lettersOnly(local))
	for _, p := range split(local) {
		add(p)
	}
	if labels := strings.Split(domain, "."); len(labels) > 1 {
		add(labels[0]) // the organisation's name, usually
	}
	name = strings.ToLower(name)
	add(lettersOnly(name))
	for _, p := range split(name) {
		add(p)
	}
	return out
}

// walkLines are sequences people slide along: keyboard rows and columns, keypads, the alphabet.
var walkLines = []string{
	"`1234567890-=", "~!@#$%^&*()_+", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
	"qwertzuiopü", "asdfghjklöä", "yxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn",
	"1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/",
	"!qaz", "@wsx", "#edc", "$rfv", "%tgb", "^yhn", "&ujm",
	"789", "456", "123", "147", "258", "369", "159", "357",
	"abcdefghijklmnopqrstuvwxyz",
}

var adjacent = func() map[[2]rune]bool {
	m := map[[2]rune]bool{}
	for _, line := range walkLines {
		r := []rune(line)
		for i := 1; i < len(r); i++ {
			m[[2]rune{r[i-1], r[i]}] = true
			m[[2]rune{r[i], r[i-1]}] = true
		}
	}
	return m
}()

// predictable catches what no list holds: too few different characters (aaaaaaaaaaaa,
// 121212121212), and walks along keyboards and sequences (qwerty123456, 1qaz2wsx3edc,
// 0123456789ab) — at most one break in the walk for every four characters.
func predictable(lower string) bool {
	r := []rune(lower)
	distinct := map[rune]bool{}
	for _, c := range r {
		distinct[c] = true
	}
	if len(distinct) < 5 {
		return true
	}
	breaks := 0
	for i := 1; i < len(r); i++ {
		if r[i] != r[i-1] && !adjacent[[2]rune{r[i-1], r[i]}] {
			breaks++
		}
	}
	return breaks <= len(r)/4
}
