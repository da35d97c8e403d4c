package intents

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// FuzzInsertExample checks that inserting an example into any intents
// file either fails or gives a file that reads as the old one with
// exactly that example added after the intent's others in its language.
func FuzzInsertExample(f *testing.F) {
	for _, src := range []string{
		"intents:\n  - id: a\n    examples:\n      ru:\n        - b\n        - 'c' # d\n      en: [\"e\"]\n",
		"intents:\n  - id: a\n    examples: {ru: ['a]', \"b}\\\"\", c#d]}\n",
		"intents:\n- id: a\n  examples:\n    en:\n    - x\n",
		"# head\nintents:\n  - id: b\n    examples: {ru: [x]}\n  - id: a\n    answer: {ru: y}\n    examples:\n      ru: [\n        \"a\",\n      ]\n",
		"intents:\r\n  - id: a\r\n    examples:\r\n      ru:\r\n        - b\r\n",
		"intents:\n  - id: a\n    examples:\n      ru: |\n        x\n",
	} {
		f.Add(src, "ru", "забыл пароль")
		f.Add(src, "en", `a "b" \c # [x]: {y}`)
	}
	f.Fuzz(func(t *testing.T, src, lang, text string) {
		if !slices.Contains(Languages, lang) || !utf8.ValidString(text) ||
			strings.ContainsAny(src, "&*") || strings.Contains(src, "<<") {
			return // callers check the language and text; aliases share lists
		}
		got, err := InsertExample([]byte(src), "a", lang, text)
		if err != nil {
			return
		}
		var before, after map[string]any
		if err := yaml.Unmarshal([]byte(src), &before); err != nil {
			t.Fatalf("InsertExample took %q, which is not YAML: %v", src, err)
		}
		if err := yaml.Unmarshal(got, &after); err != nil {
			t.Fatalf("InsertExample(%q, %q) = %q, not YAML: %v", src, text, got, err)
		}
		in := intentA(before)
		if in == nil {
			t.Fatalf("InsertExample(%q) found an intent a that is not there", src)
		}
		examples, _ := in["examples"].(map[string]any)
		list, _ := examples[lang].([]any)
		examples[lang] = append(list, text)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("InsertExample(%q, %q, %q) =\n%s\nwhich reads as\n%#v\nwant\n%#v", src, lang, text, got, after, before)
		}
	})
}

// intentA returns the first intent with id a of a decoded intents file.
func intentA(file map[string]any) map[string]any {
	list, _ := file["intents"].([]any)
	for _, item := range list {
		if in, ok := item.(map[string]any); ok && in["id"] == "a" {
			return in
		}
	}
	return nil
}
