// Package locale holds the translation catalogs and chooses the language to answer in.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

//go:embed catalogs/*.json catalogs/staff/*.json catalogs/notify/*.json
var catalogFiles embed.FS

// StaffLanguages are the languages of the staff surfaces (desk, member portal, experts, admin):
// the secretariat, its member companies and its roster work in English and Japanese. Reporters'
// pages are in every catalog language. Staff catalogs live in catalogs/staff/AREA.LANG.json so
// that each surface keeps its own keys.
var StaffLanguages = []string{"en", "ja"}

// Fallback is the language whose catalog defines every key.
const Fallback = "en"

var (
	catalogs  = map[string]map[string]string{}
	supported []language.Tag
	matcher   language.Matcher
)

func init() {
	entries, err := catalogFiles.ReadDir("catalogs")
	if err != nil {
		panic(err)
	}
	// The fallback goes first: the matcher answers with the first tag when nothing matches.
	names := []string{Fallback}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if name := strings.TrimSuffix(e.Name(), ".json"); name != Fallback {
			names = append(names, name)
		}
	}
	for _, name := range names {
		b, err := catalogFiles.ReadFile(path.Join("catalogs", name+".json"))
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("catalog %s: %v", name, err))
		}
		catalogs[name] = m
		supported = append(supported, language.MustParse(name))
	}
	matcher = language.NewMatcher(supported)
	loadPublicParts("catalogs/notify")
	loadStaffCatalogs()
}

// loadPublicParts adds the public keys of one feature kept in a folder of its own, LANG.json
// for every public language (e.g. catalogs/notify: the reporter's news by email), so that the
// feature's translations stay together. Its keys count as public keys: every language must
// have them.
func loadPublicParts(dir string) {
	for _, name := range slices.Collect(maps.Keys(catalogs)) {
		b, err := catalogFiles.ReadFile(path.Join(dir, name+".json"))
		if err != nil {
			panic(fmt.Sprintf("%s: no catalog for %s", dir, name))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("catalog %s/%s: %v", dir, name, err))
		}
		for k, v := range m {
			if _, dup := catalogs[name][k]; dup {
				panic(fmt.Sprintf("catalog %s/%s: key %s is defined twice", dir, name, k))
			}
			catalogs[name][k] = v
		}
	}
}

// staffKeys records which staff catalog file defined each key, for the tests.
var staffKeys = map[string]map[string]string{} // lang → key → file

func loadStaffCatalogs() {
	entries, err := catalogFiles.ReadDir("catalogs/staff")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		dot := strings.LastIndex(name, ".")
		if dot < 0 {
			panic("staff catalog " + e.Name() + " is not named AREA.LANG.json")
		}
		lang := name[dot+1:]
		b, err := catalogFiles.ReadFile(path.Join("catalogs/staff", e.Name()))
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("catalog %s: %v", e.Name(), err))
		}
		if catalogs[lang] == nil {
			panic("staff catalog " + e.Name() + ": " + lang + " has no public catalog")
		}
		if staffKeys[lang] == nil {
			staffKeys[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := catalogs[lang][k]; dup {
				panic(fmt.Sprintf("catalog %s: key %s is defined twice", e.Name(), k))
			}
			catalogs[lang][k] = v
			staffKeys[lang][k] = e.Name()
		}
	}
}

// MatchStaff is Match for the staff surfaces: English or Japanese.
func MatchStaff(preferences ...string) string {
	if lang := Match(preferences...); slices.Contains(StaffLanguages, lang) {
		return lang
	}
	return Fallback
}

// Languages lists the supported languages, fallback first.
func Languages() []string {
	out := make([]string, len(supported))
	for i, t := range supported {
		out[i] = t.String()
	}
	return out
}

// Match picks the supported language closest to the preferences given, best first: a language
// tag (a cookie, a report's language) or an Accept-Language header.
func Match(preferences ...string) string {
	for _, p := range preferences {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		// The index, not the returned tag: the matcher may add extensions (-u-rg-…) to the tag.
		_, index, confidence := matcher.Match(tags...)
		if confidence >= language.High {
			return supported[index].String()
		}
	}
	return Fallback
}

// T translates key into lang, falling back to English, then to the key itself.
func T(lang, key string) string {
	if s, ok := catalogs[lang][key]; ok {
		return s
	}
	if s, ok := catalogs[Fallback][key]; ok {
		return s
	}
	return key
}

// Keys lists every key of a language's catalog.
func Keys(lang string) []string {
	out := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	return out
}

// Has reports whether lang's catalog defines key itself (no fallback).
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}
