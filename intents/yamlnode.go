package intents

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// nodeReader reads the yaml.Node tree of one file. Every helper checks the
// shape of the value it is given and, when it is wrong, records a problem
// at the value's own line, so that nothing is silently ignored.
type nodeReader struct {
	file  string
	probs *problems
}

// posText is a string value together with where it was written.
type posText struct {
	text string
	pos  Pos
}

// field is one key: value pair of a YAML mapping.
type field struct {
	key    string
	keyPos Pos
	value  *yaml.Node
	valPos Pos
}

// pos returns where n was written.
func (r *nodeReader) pos(n *yaml.Node) Pos {
	return Pos{File: r.file, Line: n.Line}
}

// fields returns the key: value pairs of the mapping n in document order.
// where names the mapping in messages ("in an intent"), noun names its keys
// ("key", "language"), and allowed lists the keys it may have. A key that is
// not allowed or repeated is reported and skipped. An empty value (null)
// is an empty mapping; any other non-mapping is reported.
func (r *nodeReader) fields(n *yaml.Node, what, where, noun string, allowed []string) []field {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.probs.add(r.pos(n), "%s must be a mapping, not %s", what, describe(n))
		return nil
	}
	var out []field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.probs.add(r.pos(k), "%s: a key must be a plain word, not %s", what, describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			r.probs.add(r.pos(k), "duplicate key %q %s (first at line %d)", k.Value, where, first)
			continue
		}
		seen[k.Value] = k.Line
		if !slices.Contains(allowed, k.Value) {
			r.probs.add(r.pos(k), "unknown %s %q %s (want %s)%s", noun, k.Value, where, joinOr(allowed), keyHome(k.Value, allowed))
			continue
		}
		out = append(out, field{key: k.Value, keyPos: r.pos(k), value: v, valPos: r.pos(v)})
	}
	return out
}

// text reads a scalar as text. Numbers and booleans are taken as written,
// so that an example like 404 is not a type error; null is the empty string.
func (r *nodeReader) text(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if isNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		r.probs.add(r.pos(n), "%s must be text, not %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// boolean reads true or false.
func (r *nodeReader) boolean(n *yaml.Node, what string) (bool, bool) {
	n = resolve(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		r.probs.add(r.pos(n), "%s must be true or false, not %s", what, describe(n))
		return false, false
	}
	return b, true
}

// number reads an integer or a decimal number.
func (r *nodeReader) number(n *yaml.Node, what string) (float64, bool) {
	n = resolve(n)
	tag := n.ShortTag()
	var f float64
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil {
		r.probs.add(r.pos(n), "%s must be a number, not %s", what, describe(n))
		return 0, false
	}
	return f, true
}

// textList reads a list of texts. Null is an empty list. It reports false
// when n is not a list at all.
func (r *nodeReader) textList(n *yaml.Node, what string) ([]posText, bool) {
	n = resolve(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		r.probs.add(r.pos(n), "%s must be a list of strings, not %s", what, describe(n))
		return nil, false
	}
	out := make([]posText, 0, len(n.Content))
	for _, item := range n.Content {
		item = resolve(item)
		if s, ok := r.text(item, "each item of "+what); ok {
			out = append(out, posText{text: s, pos: r.pos(item)})
		}
	}
	return out, true
}

// langTexts reads a mapping of language to text, e.g. title: {ru: ..., en: ...}.
func (r *nodeReader) langTexts(n *yaml.Node, what string) map[string]posText {
	out := map[string]posText{}
	for _, f := range r.fields(n, what, "in "+what, "language", Languages) {
		if s, ok := r.text(f.value, what+"."+f.key); ok {
			out[f.key] = posText{text: s, pos: f.valPos}
		}
	}
	return out
}

// langList is the list of texts given for one language, and where it is.
type langList struct {
	pos   Pos
	items []posText
}

// langLists reads a mapping of language to a list of texts, e.g. examples.
// A language whose value has the wrong type is left out; one with an empty
// list is kept, so that the caller can report it.
func (r *nodeReader) langLists(n *yaml.Node, what string) map[string]langList {
	out := map[string]langList{}
	for _, f := range r.fields(n, what, "in "+what, "language", Languages) {
		if items, ok := r.textList(f.value, what+"."+f.key); ok {
			out[f.key] = langList{pos: f.valPos, items: items}
		}
	}
	return out
}

// resolve follows an alias (*name) to the node it stands for.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an empty value: nothing, "~" or "null".
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a value for a message: the value itself when it is a
// scalar, otherwise what kind of thing it is.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "empty"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(shorten(n.Value, 40))
	default:
		return fmt.Sprintf("YAML node kind %d", n.Kind)
	}
}

// shorten cuts s to at most max characters, so that a long answer given
// in the wrong place does not flood the message.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// joinOr lists words for a message: "a, b or c".
func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// keyHomes are the places of an intents file where keys go, for telling
// where a key put in the wrong one belongs.
var keyHomes = []struct {
	where string
	keys  func() []string
}{
	{"at the top level of the file", func() []string { return fileKeys }},
	{"in an intent, under intents:", func() []string { return intentKeys }},
	{"in a test, under tests:", func() []string { return testKeys }},
	{"in a canned reply, under canned:", func() []string { return cannedKeys }},
	{"under messages:, as a shared message", func() []string { return slices.Sorted(maps.Keys(DefaultMessages)) }},
}

// keyHome says where key belongs when it is a key of another place than
// the one whose keys are allowed: "; it belongs in a test, under tests:".
// It is "" for a key no place has.
func keyHome(key string, allowed []string) string {
	var homes []string
	for _, h := range keyHomes {
		keys := h.keys()
		if slices.Contains(keys, key) && !slices.Equal(keys, allowed) {
			homes = append(homes, h.where)
		}
	}
	if len(homes) == 0 {
		return ""
	}
	return "; it belongs " + strings.Join(homes, " or ")
}
