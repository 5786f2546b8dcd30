package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/locale"
)

// literalKey finds the catalog keys templates name literally: {{.T "key"}}, {{$.T "key" …}}.
var literalKey = regexp.MustCompile(`\.T "([^"]+)"`)

// TestTemplatesNameOnlyKeysTheCatalogsHave: a key a template names must be in English and, on a
// staff page, in every staff language; the public catalogs' own test then checks every language.
// A missing key would show as the key itself.
func TestTemplatesNameOnlyKeysTheCatalogsHave(t *testing.T) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	checked := 0
	for _, name := range names {
		b, err := templateFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		langs := []string{locale.Fallback}
		base := strings.TrimPrefix(name, "templates/")
		for _, prefix := range []string{"desk_", "member_", "expert_", "admin_", "report_"} {
			if strings.HasPrefix(base, prefix) {
				langs = locale.StaffLanguages
			}
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(b), -1) {
			checked++
			for _, lang := range langs {
				if !locale.Has(lang, m[1]) {
					t.Errorf("%s names %q, which the %s catalog lacks", base, m[1], lang)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d literal keys found: is the pattern still right?", checked)
	}
}
