package locale

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEveryCatalogHasEveryKey: every public key (the reporters' pages) is in every language.
func TestEveryCatalogHasEveryKey(t *testing.T) {
	var want []string
	for _, k := range Keys(Fallback) {
		if _, staff := staffKeys[Fallback][k]; !staff {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	if len(want) == 0 {
		t.Fatal("the fallback catalog is empty")
	}
	for _, lang := range Languages() {
		have := map[string]bool{}
		for _, k := range Keys(lang) {
			have[k] = true
			if catalogs[lang][k] == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
			if _, ok := catalogs[Fallback][k]; !ok && staffKeys[lang][k] == "" {
				t.Errorf("%s: %s is not in the %s catalog", lang, k, Fallback)
			}
		}
		for _, k := range want {
			if !have[k] {
				t.Errorf("%s: missing %s", lang, k)
			}
		}
	}
}

// TestStaffCatalogsHaveEveryKey: every staff key is in English and Japanese, defined by files of
// the same area, and no staff key appears in a language the staff surfaces do not offer.
func TestStaffCatalogsHaveEveryKey(t *testing.T) {
	en := staffKeys[Fallback]
	for _, lang := range StaffLanguages {
		have := staffKeys[lang]
		for k, file := range en {
			other, ok := have[k]
			if !ok {
				t.Errorf("%s: missing staff key %s (from %s)", lang, k, file)
				continue
			}
			if strings.SplitN(other, ".", 2)[0] != strings.SplitN(file, ".", 2)[0] {
				t.Errorf("%s: %s is in %s but in %s in English", lang, k, other, file)
			}
			if catalogs[lang][k] == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
		}
		for k, file := range have {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %s (in %s) is not in the English staff catalogs", lang, k, file)
			}
		}
	}
	for lang := range staffKeys {
		if !slices.Contains(StaffLanguages, lang) {
			t.Errorf("staff catalogs in %s, which is not a staff language", lang)
		}
	}
}

func TestMatchStaff(t *testing.T) {
	for pref, want := range map[string]string{"ja-JP": "ja", "vi": "en", "en-GB": "en", "": "en"} {
		if got := MatchStaff(pref); got != want {
			t.Errorf("MatchStaff(%q) = %s, want %s", pref, got, want)
		}
	}
}

func TestTranslationsAreNotEnglishCopies(t *testing.T) {
	for _, lang := range Languages() {
		if lang == Fallback {
			continue
		}
		for _, k := range Keys(lang) {
			if catalogs[lang][k] == catalogs[Fallback][k] {
				t.Errorf("%s: %s is the English text", lang, k)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"ja-JP,ja;q=0.9,en;q=0.5"}, "ja"},
		{[]string{"fr-FR,fr;q=0.9"}, "en"},
		{[]string{"", "ja"}, "ja"},
		{[]string{"ja", "en"}, "ja"},
		{[]string{"de", "ja"}, "ja"},
		{[]string{"!!not a tag"}, "en"},
	} {
		if got := Match(tc.prefs...); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
}

func TestTFallsBack(t *testing.T) {
	if T("ja", "field.required") != "この項目は必須です。" {
		t.Fatal("Japanese not used")
	}
	if T("xx", "field.required") != "This field is required." {
		t.Fatal("no fallback to English")
	}
}

func TestMatchScriptsAndAliases(t *testing.T) {
	for _, tc := range []struct{ pref, want string }{
		{"zh-CN,zh;q=0.9", "zh-Hans"},
		{"zh-Hans", "zh-Hans"},
		{"tl", "fil"},
		{"fil-PH", "fil"},
		{"ar-EG", "ar"},
		{"my-MM", "my"},
		{"vi-VN,en;q=0.5", "vi"},
	} {
		if got := Match(tc.pref); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.pref, got, tc.want)
		}
	}
}

// TestTheWorkersLanguagesAreAllThere: the languages the public site promises (issue 3).
func TestTheWorkersLanguagesAreAllThere(t *testing.T) {
	have := map[string]bool{}
	for _, l := range Languages() {
		have[l] = true
	}
	for _, want := range []string{"en", "ja", "zh-Hans", "vi", "th", "id", "ms", "my", "km", "fil", "ne", "bn", "ar"} {
		if !have[want] {
			t.Errorf("no catalog for %s", want)
		}
	}
}

// TestTranslationsKeepThePrintfVerbs: the code fills a text's verbs in the English order, so a
// translation with other verbs would print garbage ("%!d(string=…)") or drop a number. A
// translation may reorder them with explicit indexes (%[2]d).
func TestTranslationsKeepThePrintfVerbs(t *testing.T) {
	verbs := regexp.MustCompile(`%(?:\[(\d+)\])?[-+#0]?[0-9]*(?:\.[0-9]+)?([dsvqxf])`)
	// args lists the verbs by the argument each fills: "1:d 2:s".
	args := func(text string) string {
		var out []string
		next := 1
		for _, m := range verbs.FindAllStringSubmatch(text, -1) {
			n := next
			if m[1] != "" {
				n, _ = strconv.Atoi(m[1])
			}
			out = append(out, strconv.Itoa(n)+":"+m[2])
			next = n + 1
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, lang := range Languages() {
		for _, key := range Keys(Fallback) {
			if !Has(lang, key) {
				continue
			}
			if got, want := args(T(lang, key)), args(T(Fallback, key)); got != want {
				t.Errorf("%s %s fills %q, English %q", lang, key, got, want)
			}
		}
	}
}
