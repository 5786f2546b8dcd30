// Package locale holds the translation catalogs and chooses the language to answer in.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"golang.org/x/text/language"
)

//go:embed catalogs/*.json
var catalogFiles embed.FS

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
