package panel

import (
	"strings"
	"testing"
)

// FuzzBrowserLang checks browserLang on any Accept-Language header: it
// picks en or ru; ru only when the header names it; a header that starts
// by naming one of them with the highest weight gets that one whatever
// follows; and empty elements change nothing.
func FuzzBrowserLang(f *testing.F) {
	for _, seed := range []string{
		"", "ru", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "en-GB,en;q=0.9,ru;q=0.8",
		"de-DE,de;q=0.9,ru;q=0.5,en;q=0.3", "en;q=0.5,ru;q=0.6", "RU-ru", "ru;q=0", "ru;q=bogus",
		"fr, de", "en;q=2", "en;q=Inf", "ru;q=NaN", "en;q=1e1", "ru;level=1;q=0.5, en;q=0.4",
		"ru;Q=0.2, en;q=0.1", "*;q=0.5", "en;q=0x1p-1", "ru;q=.5", "en ; q=0.5 , ru ; q=0.6",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := browserLang(header)
		if got != langEN && got != langRU {
			t.Fatalf("browserLang(%q) = %q, want en or ru", header, got)
		}
		if got == langRU && !strings.Contains(strings.ToLower(header), "ru") {
			t.Fatalf("browserLang(%q) = ru, which the header does not name", header)
		}
		for _, lang := range []string{langEN, langRU} {
			if first := browserLang(lang + "," + header); first != lang {
				t.Fatalf("browserLang(%q) = %q: %s comes first at the highest weight", lang+","+header, first, lang)
			}
		}
		if padded := browserLang(" , ," + header + ",, "); padded != got {
			t.Fatalf("browserLang(%q) = %q but %q with empty elements around it", header, got, padded)
		}
	})
}
