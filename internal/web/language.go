package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
)

// LanguageCookie remembers the language a visitor chose with the picker.
const LanguageCookie = "lang"

// LanguageOption is one entry of the language picker, named in its own language.
type LanguageOption struct {
	Code    string
	Name    string
	Current bool
}

// RequestLanguage is the language to show: the picker's cookie, else Accept-Language.
func RequestLanguage(r *http.Request) string {
	var prefs []string
	if c, err := r.Cookie(LanguageCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	return locale.Match(append(prefs, r.Header.Get("Accept-Language"))...)
}

// NewPage starts a page in the request's language.
func NewPage(r *http.Request, titleKey string) *Page {
	lang := RequestLanguage(r)
	p := &Page{Lang: lang, Dir: direction(lang), Path: r.URL.Path}
	for _, code := range locale.Languages() {
		p.Languages = append(p.Languages, LanguageOption{Code: code, Name: NativeName(code), Current: code == lang})
	}
	p.Title = p.T(titleKey)
	return p
}

// NewStaffPage starts a staff page: in English or Japanese (locale.StaffLanguages), headed by
// the staff frame. The nav entry whose path prefixes the request's is marked current.
func NewStaffPage(r *http.Request, titleKey string, frame StaffFrame) *Page {
	var prefs []string
	if c, err := r.Cookie(LanguageCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	lang := locale.MatchStaff(append(prefs, r.Header.Get("Accept-Language"))...)
	p := &Page{Lang: lang, Dir: direction(lang), Path: r.URL.RequestURI()}
	for _, code := range locale.StaffLanguages {
		p.Languages = append(p.Languages, LanguageOption{Code: code, Name: NativeName(code), Current: code == lang})
	}
	best := -1
	for i, l := range frame.Nav {
		if (r.URL.Path == l.Path || strings.HasPrefix(r.URL.Path, l.Path+"/")) && (best < 0 || len(l.Path) > len(frame.Nav[best].Path)) {
			best = i
		}
	}
	if best >= 0 {
		frame.Nav = slices.Clone(frame.Nav)
		frame.Nav[best].Current = true
	}
	p.Staff = &frame
	p.Title = p.T(titleKey)
	return p
}

func direction(lang string) string {
	if tag, err := language.Parse(lang); err == nil {
		if base, _ := tag.Base(); base.String() == "ar" || base.String() == "he" || base.String() == "fa" || base.String() == "ur" {
			return "rtl"
		}
	}
	return "ltr"
}

// NativeName is a language's name in that language ("日本語", "Tiếng Việt").
func NativeName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	name := display.Self.Name(tag)
	if name == "" {
		return code
	}
	return name
}

// CountryOption is a country named in the reader's language.
type CountryOption struct{ Code, Name string }

var countryLists sync.Map // language → []CountryOption

// Countries lists every country named in lang, sorted as that language sorts. The list is made
// once per language (collating 250 names costs about a millisecond) and must not be modified.
func Countries(lang string) []CountryOption {
	if list, ok := countryLists.Load(lang); ok {
		return list.([]CountryOption)
	}
	list := countries(lang)
	countryLists.Store(lang, list)
	return list
}

func countries(lang string) []CountryOption {
	tag := language.Make(lang)
	names := display.Regions(tag)
	out := make([]CountryOption, 0, len(grievance.Countries))
	for _, code := range grievance.Countries {
		name := ""
		if names != nil {
			if region, err := language.ParseRegion(code); err == nil {
				name = names.Name(region)
			}
		}
		if name == "" {
			name = code
		}
		out = append(out, CountryOption{Code: code, Name: name})
	}
	c := collate.New(tag, collate.Loose)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}

// SetLanguage remembers a picked language for a year.
func SetLanguage(w http.ResponseWriter, r *http.Request, code string) {
	SetCookie(w, r, &http.Cookie{Name: LanguageCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
}

// Supported reports whether code has a catalog.
func Supported(code string) bool {
	for _, l := range locale.Languages() {
		if strings.EqualFold(l, code) {
			return true
		}
	}
	return false
}

// CountryName names a country code in lang ("VN" → "Vietnam", "ベトナム").
func CountryName(lang, code string) string {
	if names := display.Regions(language.Make(lang)); names != nil {
		if region, err := language.ParseRegion(code); err == nil {
			if name := names.Name(region); name != "" {
				return name
			}
		}
	}
	return code
}

// LanguageName names a language tag in lang ("vi" → "Vietnamese", "ベトナム語").
func LanguageName(lang, code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if names := display.Languages(language.Make(lang)); names != nil {
		if name := names.Name(tag); name != "" {
			return name
		}
	}
	return code
}
