package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxBrandLength bounds a brand in characters: it is a title, one line
// over a chat window.
const MaxBrandLength = 80

// brandEntry is the brand: of one file, with where it is written.
type brandEntry struct {
	text Text
	pos  Pos
}

// decodeBrand reads the top-level brand: the company's name as the web
// chat shows it in its title and header, either one text for every
// language or a mapping of language to text.
func (r *nodeReader) decodeBrand(key Pos, n *yaml.Node) *brandEntry {
	e := &brandEntry{text: Text{}, pos: key}
	switch n = resolve(n); {
	case isNull(n) || n.Kind == yaml.MappingNode && len(n.Content) == 0:
		r.probs.add(key, "brand has no text")
	case n.Kind == yaml.ScalarNode:
		if s, ok := r.brandText(posText{text: n.Value, pos: r.pos(n)}, "brand"); ok {
			for _, lang := range Languages {
				e.text[lang] = s
			}
		}
	case n.Kind == yaml.MappingNode:
		for lang, src := range r.langTexts(n, "brand") {
			if s, ok := r.brandText(src, "brand."+lang); ok {
				e.text[lang] = s
			}
		}
	default:
		r.probs.add(r.pos(n), "brand must be text or a mapping of language to text, not %s", describe(n))
	}
	return e
}

// brandText checks one brand text and returns it trimmed.
func (r *nodeReader) brandText(src posText, what string) (string, bool) {
	s := strings.TrimSpace(src.text)
	switch {
	case s == "":
		r.probs.add(src.pos, "%s is empty", what)
	case strings.ContainsFunc(s, unicode.IsControl):
		r.probs.add(src.pos, "%s must be one line of text", what)
	case utf8.RuneCountInString(s) > MaxBrandLength:
		r.probs.add(src.pos, "%s is longer than %d characters", what, MaxBrandLength)
	default:
		return s, true
	}
	return "", false
}

// checkBrand reports a brand given in more than one file: which one wins
// would depend on file names.
func checkBrand(files []fileContent, probs *problems) {
	var first *brandEntry
	for _, f := range files {
		if f.brand == nil {
			continue
		}
		if first != nil {
			probs.add(f.brand.pos, "brand is defined in two files (first at %s)", first.pos)
			continue
		}
		first = f.brand
	}
}
