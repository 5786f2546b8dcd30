package web

import "testing"

func BenchmarkCountries(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Countries("my")
	}
}

func BenchmarkNativeLanguageNames(b *testing.B) {
	for i := 0; i < b.N; i++ {
		for _, code := range []string{"en", "ja", "zh-Hans", "vi", "th", "id", "ms", "my", "km", "fil", "ne", "bn", "ar"} {
			NativeName(code)
		}
	}
}

func TestCountriesAreNamedAndSortedInTheReadersLanguage(t *testing.T) {
	ja := Countries("ja")
	if len(ja) != 250 {
		t.Fatalf("%d countries", len(ja))
	}
	names := map[string]string{}
	for _, c := range ja {
		names[c.Code] = c.Name
	}
	if names["JP"] != "日本" || names["VN"] != "ベトナム" {
		t.Fatalf("JP=%q VN=%q", names["JP"], names["VN"])
	}
	en := Countries("en")
	if en[0].Name != "Afghanistan" || Countries("en")[0] != en[0] {
		t.Fatalf("English list starts with %q", en[0].Name)
	}
}
