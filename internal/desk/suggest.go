package desk

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/remedy-grievance/remedy/internal/store"
)

// Suggestion is a member that a report seems to concern, and the words that made it so.
type Suggestion struct {
	MemberID int64
	Matched  string // the member's name or alias that was found
	Kind     string // "name", or the alias's kind: group_company, brand, supplier
	Where    string // "company": a company name the reporter typed; "narrative": their description
}

// SuggestMembers finds the members a report seems to concern: those whose name (English or
// Japanese), group company, brand or known supplier appears in a company name the reporter typed
// or in their description. Matching ignores case and character width (ＡＣＭＥ, ｱｸﾒ) and respects
// word boundaries in scripts written with spaces. It is a suggestion for the handler, who decides;
// it must still not shout on every "best" or "one" in a narrative, so in the narrative a
// single-word name needs four or more letters (two with a Chinese character, three in kana),
// and a capitalised one of fewer than six must be written with its capital, as a name is.
func SuggestMembers(members []store.Member, companies []string, narrative string) []Suggestion {
	typed := make([]text, 0, len(companies))
	for _, c := range companies {
		if t := newText(c); len(t.fold) > 0 {
			typed = append(typed, t)
		}
	}
	story := newText(narrative)
	var out []Suggestion
	for _, m := range members {
		names := []store.MemberAlias{{Kind: "name", Name: m.NameEN}, {Kind: "name", Name: m.NameJA}}
		names = append(names, m.Aliases...)
		if s, ok := suggest(m.ID, names, typed, story); ok {
			out = append(out, s)
		}
	}
	return out
}

func suggest(memberID int64, names []store.MemberAlias, typed []text, story text) (Suggestion, bool) {
	// A typed company name is the stronger sign: look there first, with every name.
	for _, n := range names {
		name := newText(n.Name)
		if len(name.fold) == 0 {
			continue
		}
		for _, t := range typed {
			if t.equal(name) || (len(name.fold) >= 3 && t.contains(name, false)) {
				return Suggestion{MemberID: memberID, Matched: n.Name, Kind: n.Kind, Where: "company"}, true
			}
		}
	}
	for _, n := range names {
		name := newText(n.Name)
		if !name.distinctive() {
			continue
		}
		if story.contains(name, name.needsCapital()) {
			return Suggestion{MemberID: memberID, Matched: n.Name, Kind: n.Kind, Where: "narrative"}, true
		}
	}
	return Suggestion{}, false
}

// text is a string made comparable: width folded (NFKC), spaces collapsed, and kept both as
// written and case-folded, rune for rune, so a match found in one can be checked in the other.
type text struct {
	orig []rune
	fold []rune
}

func newText(s string) text {
	var t text
	space := true
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsSpace(r) {
			if !space {
				t.orig, t.fold = append(t.orig, ' '), append(t.fold, ' ')
			}
			space = true
			continue
		}
		space = false
		t.orig, t.fold = append(t.orig, r), append(t.fold, unicode.ToLower(r))
	}
	if n := len(t.fold); n > 0 && t.fold[n-1] == ' ' {
		t.orig, t.fold = t.orig[:n-1], t.fold[:n-1]
	}
	return t
}

func (t text) equal(o text) bool { return string(t.fold) == string(o.fold) }

// contains reports whether name appears in t on word boundaries; with capital, only where t
// has the name's first letter in upper case.
func (t text) contains(name text, capital bool) bool {
	n := len(name.fold)
	for i := 0; i+n <= len(t.fold); i++ {
		if string(t.fold[i:i+n]) != string(name.fold) {
			continue
		}
		if i > 0 && joined(t.fold[i-1], name.fold[0]) {
			continue
		}
		if i+n < len(t.fold) && joined(name.fold[n-1], t.fold[i+n]) {
			continue
		}
		if capital && !unicode.IsUpper(t.orig[i]) {
			continue
		}
		return true
	}
	return false
}

// joined reports whether two neighbouring runes belong to one word: both letters or digits of a
// script written with spaces between words. Chinese, Japanese, Thai, Lao, Khmer and Burmese text
// runs words together, so a name there may start or end anywhere.
func joined(a, b rune) bool { return wordRune(a) && wordRune(b) }

func wordRune(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return !unspaced(r)
}

func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) || r == 'ー'
}

// distinctive reports whether a name is long enough to look for in free text.
func (t text) distinctive() bool {
	if len(t.fold) == 0 {
		return false
	}
	if t.multiword() {
		return true
	}
	letters, wide, han := 0, 0, false
	for _, r := range t.fold {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			letters++
			if unspaced(r) {
				wide++
			}
			han = han || unicode.Is(unicode.Han, r)
		}
	}
	switch {
	case han:
		return letters >= 2 // 東レ
	case wide > 0:
		return letters >= 3 // kana alone: ユニ is the start of too many words
	}
	return letters >= 4
}

// needsCapital: a short single Latin-script word is a name only where it is written as one.
func (t text) needsCapital() bool {
	if t.multiword() || len(t.orig) == 0 || !unicode.IsUpper(t.orig[0]) {
		return false
	}
	return utf8.RuneCountInString(string(t.fold)) < 6
}

func (t text) multiword() bool {
	for _, r := range t.fold {
		if r == ' ' {
			return true
		}
	}
	return false
}
