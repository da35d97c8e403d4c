package intents

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The functions here change the text of an intents file by inserting
// lines (or, in a flow list, a few characters) where the parsed tree says
// the new value belongs. Everything else in the file, comments, quoting,
// key order, indentation and line endings, stays byte for byte: an admin
// who reviews the change in version control sees only what was added.

// yamlText is one file's text with its parsed tree, for finding offsets.
type yamlText struct {
	src   []byte
	lines []int      // byte offset where each line starts; lines[0] is line 1
	nl    string     // the file's line ending, "\n" or "\r\n"
	root  *yaml.Node // the top-level value; nil when the file has none
}

// parseText parses src for splicing. A file that is not one valid YAML
// document is refused: there is no telling where a value would go.
func parseText(src []byte) (*yamlText, error) {
	if !utf8.Valid(src) {
		return nil, errors.New("the file is not valid UTF-8")
	}
	t := &yamlText{src: src, lines: []int{0}, nl: "\n"}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			t.lines = append(t.lines, i+1)
		}
	}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		t.nl = "\r\n"
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		return nil, fmt.Errorf("the file is not valid YAML: %w", err)
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return nil, errors.New("the file is not a single YAML document")
	}
	if len(doc.Content) > 0 {
		t.root = doc.Content[0]
	}
	return t, nil
}

// offset returns the byte offset of a node's line and (1-based, counted in
// characters) column.
func (t *yamlText) offset(n *yaml.Node) int {
	off := t.lineStart(n.Line)
	for col := 1; col < n.Column && off < len(t.src); col++ {
		_, size := utf8.DecodeRune(t.src[off:])
		off += size
	}
	return off
}

// lineStart returns the offset of the first byte of a 1-based line.
func (t *yamlText) lineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(t.lines) {
		return len(t.src)
	}
	return t.lines[line-1]
}

// lineAfter returns the offset just past the end of a line, its line
// break included: where a line inserted after it starts.
func (t *yamlText) lineAfter(line int) int {
	if line < len(t.lines) {
		return t.lines[line]
	}
	return len(t.src)
}

// lineOf returns the 1-based line of the byte at off.
func (t *yamlText) lineOf(off int) int {
	lo, hi := 0, len(t.lines)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if t.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// line returns a line's text without its line break.
func (t *yamlText) line(line int) string {
	s := string(t.src[t.lineStart(line):t.lineAfter(line)])
	return strings.TrimRight(s, "\r\n")
}

// indentOf returns how many spaces a line starts with, and whether the line
// has nothing else (blank) or only a comment.
func (t *yamlText) indentOf(line int) (indent int, blank, comment bool) {
	s := t.line(line)
	rest := strings.TrimLeft(s, " ")
	indent = len(s) - len(rest)
	rest = strings.TrimLeft(rest, " \t")
	return indent, rest == "", strings.HasPrefix(rest, "#")
}

// endLine returns the last line a value's text takes. minIndent is the
// indentation its continuation lines must exceed: that of the key or "-"
// it belongs to.
func (t *yamlText) endLine(n *yaml.Node, minIndent int) (int, error) {
	switch {
	case n.Kind == yaml.AliasNode:
		return n.Line, nil
	case n.Style&yaml.FlowStyle != 0:
		open, err := t.flowOpen(n)
		if err != nil {
			return 0, err
		}
		fs, err := scanFlow(t.src, open)
		if err != nil {
			return 0, err
		}
		return t.lineOf(fs.close), nil
	case n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			return n.Line, nil
		}
		return t.endLine(n.Content[len(n.Content)-1], n.Column-1)
	case n.Kind == yaml.MappingNode:
		if len(n.Content) < 2 {
			return n.Line, nil
		}
		key, value := n.Content[len(n.Content)-2], n.Content[len(n.Content)-1]
		if isImplicitNull(value) {
			return key.Line, nil
		}
		end, err := t.endLine(value, key.Column-1)
		return max(end, key.Line), err
	case n.Kind == yaml.ScalarNode:
		return t.scalarEnd(n, minIndent)
	}
	return 0, fmt.Errorf("line %d: a value of an unexpected kind", n.Line)
}

// ownComments returns the last of the comment lines right after line end
// that are indented past indent, or end when there are none: such
// comments belong to the value that ends there, and what is added after
// that value goes after them.
func (t *yamlText) ownComments(end, indent int) int {
	for l := end + 1; l <= len(t.lines); l++ {
		n, blank, comment := t.indentOf(l)
		if blank || !comment || n <= indent {
			break
		}
		end = l
	}
	return end
}

// isImplicitNull reports whether n is a value left out: "key:" and nothing.
func isImplicitNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0
}

// scalarEnd returns the last line of a scalar written in block context.
func (t *yamlText) scalarEnd(n *yaml.Node, minIndent int) (int, error) {
	start := t.offset(n)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0, n.Style&yaml.SingleQuotedStyle != 0:
		i := bytes.IndexAny(t.src[start:], `"'`)
		if i < 0 {
			return 0, fmt.Errorf("line %d: no opening quote", n.Line)
		}
		end, err := skipQuoted(t.src, start+i)
		if err != nil {
			return 0, err
		}
		return t.lineOf(end - 1), nil
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// The content is every following line that is blank or indented
		// past the key; trailing blank lines are not the scalar's to keep.
		last := t.lineOf(start)
		for l := last + 1; l <= len(t.lines); l++ {
			indent, blank, _ := t.indentOf(l)
			if blank {
				continue
			}
			if indent <= minIndent {
				break
			}
			last = l
		}
		return last, nil
	}
	// A plain scalar goes on over lines indented past the key, up to a
	// blank line or a comment.
	last := t.lineOf(start)
	for l := last + 1; l <= len(t.lines); l++ {
		indent, blank, comment := t.indentOf(l)
		if blank || comment || indent <= minIndent {
			break
		}
		last = l
	}
	return last, nil
}

// flowOpen returns the offset of the "[" or "{" that opens a flow
// collection, past any anchor or tag written before it.
func (t *yamlText) flowOpen(n *yaml.Node) (int, error) {
	off := t.offset(n)
	i := bytes.IndexAny(t.src[off:], "[{")
	if i < 0 {
		return 0, fmt.Errorf("line %d: no opening bracket", n.Line)
	}
	return off + i, nil
}

// flowScan is what scanFlow found in a flow collection.
type flowScan struct {
	close   int  // offset of the closing bracket
	lastEnd int  // offset just past the last entry; -1 when there is none
	comma   bool // the last entry is followed by a comma
	commaAt int  // offset of that comma
}

// scanFlow reads a flow collection from its opening bracket at open to the
// bracket that closes it, stepping over quoted strings, nested collections
// and comments.
func scanFlow(src []byte, open int) (flowScan, error) {
	fs := flowScan{lastEnd: -1}
	depth := 0
	atStart := true // a quote here opens a quoted string
	for i := open; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '#' && i > 0 && isSpace(src[i-1]):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case isSpace(c):
		case (c == '"' || c == '\'') && atStart:
			end, err := skipQuoted(src, i)
			if err != nil {
				return fs, err
			}
			i = end - 1
			fs.lastEnd, fs.comma, atStart = end, false, false
		case c == '[' || c == '{':
			depth++
			if depth > 1 {
				fs.lastEnd, fs.comma = i+1, false
			}
			atStart = true
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				fs.close = i
				return fs, nil
			}
			fs.lastEnd, fs.comma, atStart = i+1, false, false
		case c == ',':
			if depth == 1 {
				fs.comma, fs.commaAt = true, i
			} else {
				fs.lastEnd = i + 1
			}
			atStart = true
		case c == ':':
			fs.lastEnd, fs.comma, atStart = i+1, false, true
		default:
			fs.lastEnd, fs.comma, atStart = i+1, false, false
		}
	}
	return fs, errors.New("a flow collection is not closed")
}

// skipQuoted returns the offset just past the quoted string that starts
// with the quote at start.
func skipQuoted(src []byte, start int) (int, error) {
	q := src[start]
	for i := start + 1; i < len(src); i++ {
		switch {
		case q == '"' && src[i] == '\\':
			i++
		case src[i] == q && q == '\'' && i+1 < len(src) && src[i+1] == '\'':
			i++ // '' is a quote inside a single-quoted string
		case src[i] == q:
			return i + 1, nil
		}
	}
	return 0, errors.New("a quoted string is not closed")
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// splice is text to insert at an offset.
type splice struct {
	at   int
	text string
}

// apply returns src with the splices inserted; they must be in order.
func applySplices(src []byte, splices ...splice) []byte {
	var out bytes.Buffer
	prev := 0
	for _, s := range splices {
		out.Write(src[prev:s.at])
		out.WriteString(s.text)
		prev = s.at
	}
	out.Write(src[prev:])
	return out.Bytes()
}

// insertLines returns the splice that puts text, whole lines each ended by
// t.nl, after line: a line break first if that line is the last and has
// none.
func (t *yamlText) insertLines(line int, text string) splice {
	at := t.lineAfter(line)
	if at == len(t.src) && len(t.src) > 0 && t.src[len(t.src)-1] != '\n' {
		text = t.nl + text
	}
	return splice{at: at, text: text}
}

// lookup returns the value of key in the mapping n, and the key node.
func lookup(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// findIntent returns the mapping of the intent with the given id.
func (t *yamlText) findIntent(id string) (*yaml.Node, error) {
	_, list := lookup(t.root, "intents")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("no intent %q in the file", id)
	}
	for _, item := range list.Content {
		if _, v := lookup(item, "id"); v != nil && v.Kind == yaml.ScalarNode && v.Value == id {
			return item, nil
		}
	}
	return nil, fmt.Errorf("no intent %q in the file", id)
}

// InsertExample returns src, the text of an intents file, with text added
// as the last example in lang of the intent with the given id. The example
// goes after the last one of that language, in the list's own style (a
// flow list ["a", "b"] or a block list of "- a" lines); when the intent has
// no examples in lang yet, a list for lang follows its other languages.
// The new example is written double-quoted; nothing else in src changes.
//
// InsertExample only edits text: PrepareExample also checks the example
// against the whole knowledge base and loads the result.
func InsertExample(src []byte, id, lang, text string) ([]byte, error) {
	t, err := parseText(src)
	if err != nil {
		return nil, err
	}
	before, err := t.exampleValues(id, lang)
	if err != nil {
		return nil, err
	}
	out, err := t.insertExample(id, lang, text)
	if err != nil {
		return nil, err
	}
	// The edit is planned from the parsed tree but made in the text; a
	// shape the planning does not foresee (an explicit "? key", say)
	// could give a file that means something else. Read it back.
	back, err := parseText(out)
	if err != nil {
		return nil, fmt.Errorf("intent %q: the file would not read after the change: %w", id, err)
	}
	after, err := back.exampleValues(id, lang)
	if err != nil || len(after) != len(before)+1 || after[len(before)] != text {
		return nil, fmt.Errorf("intent %q: this file's layout of examples.%s cannot be edited safely; add the example by hand", id, lang)
	}
	return out, nil
}

// exampleValues returns the examples in lang of the intent with the given
// id, nil when it has none in lang.
func (t *yamlText) exampleValues(id, lang string) ([]string, error) {
	in, err := t.findIntent(id)
	if err != nil {
		return nil, err
	}
	_, examples := lookup(in, "examples")
	_, list := lookup(examples, lang)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, nil
	}
	values := make([]string, 0, len(list.Content))
	for _, n := range list.Content {
		values = append(values, n.Value)
	}
	return values, nil
}

// insertExample is InsertExample without the reading back.
func (t *yamlText) insertExample(id, lang, text string) ([]byte, error) {
	src := t.src
	in, err := t.findIntent(id)
	if err != nil {
		return nil, err
	}
	_, examples := lookup(in, "examples")
	if examples == nil || examples.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("intent %q: examples is not a mapping of languages", id)
	}
	q := quote(text)
	key, list := lookup(examples, lang)
	if key == nil {
		return t.addEntry(examples, lang, q)
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("intent %q, line %d: examples.%s is not a list", id, list.Line, lang)
	}
	if len(list.Content) == 0 && list.Style&yaml.FlowStyle == 0 {
		return nil, fmt.Errorf("intent %q, line %d: examples.%s is an empty list", id, list.Line, lang)
	}
	if list.Style&yaml.FlowStyle != 0 {
		return t.addToFlow(list, q)
	}
	last := list.Content[len(list.Content)-1]
	end, err := t.endLine(last, list.Column-1)
	if err != nil {
		return nil, err
	}
	end = t.ownComments(end, list.Column-1)
	// The same indentation, and the same space after "-", as the last item.
	line := spaces(list.Column-1) + "-" + spaces(max(last.Column-list.Column-1, 1)) + q + t.nl
	return applySplices(src, t.insertLines(end, line)), nil
}

// addToFlow adds an item to a flow collection: after the last one on its
// line, or, when the closing bracket has a line of its own, on a new line
// indented like the last item.
func (t *yamlText) addToFlow(n *yaml.Node, item string) ([]byte, error) {
	open, err := t.flowOpen(n)
	if err != nil {
		return nil, err
	}
	fs, err := scanFlow(t.src, open)
	if err != nil {
		return nil, err
	}
	if fs.lastEnd < 0 || len(n.Content) == 0 {
		if fs.lastEnd >= 0 || len(n.Content) > 0 {
			return nil, fmt.Errorf("line %d: the flow collection does not read as parsed", n.Line)
		}
		return applySplices(t.src, splice{at: open + 1, text: item}), nil
	}
	endLine := t.lineOf(fs.lastEnd - 1)
	if t.lineOf(fs.close) == endLine {
		return applySplices(t.src, splice{at: fs.lastEnd, text: ", " + item}), nil
	}
	// A new line starts where the first entry of the last entry's line
	// does, or the last entry itself when it began on an earlier line.
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2 // keys only
	}
	indent := n.Content[len(n.Content)-step].Column - 1
	for i := 0; i < len(n.Content); i += step {
		if n.Content[i].Line == endLine {
			indent = n.Content[i].Column - 1
			break
		}
	}
	if fs.comma && t.lineOf(fs.commaAt) != endLine {
		// The last entry's comma starts a later line ("[a\n, ]"): the
		// item goes after it, since a new line before it would come
		// between the entry and its comma.
		return applySplices(t.src, splice{at: fs.commaAt + 1, text: " " + item + ","}), nil
	}
	if fs.comma {
		return applySplices(t.src, t.insertLines(endLine, spaces(indent)+item+","+t.nl)), nil
	}
	return applySplices(t.src,
		splice{at: fs.lastEnd, text: ","},
		t.insertLines(endLine, spaces(indent)+item+t.nl)), nil
}

// addEntry adds lang: [item] to a mapping of languages that does not have
// lang yet, after its last entry and written like it.
func (t *yamlText) addEntry(m *yaml.Node, lang, item string) ([]byte, error) {
	if m.Style&yaml.FlowStyle != 0 {
		return t.addToFlow(m, lang+": ["+item+"]")
	}
	if len(m.Content) < 2 {
		return nil, errors.New("the examples mapping is empty")
	}
	key, value := m.Content[len(m.Content)-2], m.Content[len(m.Content)-1]
	end, err := t.endLine(m, 0)
	if err != nil {
		return nil, err
	}
	end = t.ownComments(end, key.Column-1)
	var text string
	if value.Kind == yaml.SequenceNode && value.Style&yaml.FlowStyle == 0 && len(value.Content) > 0 {
		first := value.Content[0]
		text = spaces(key.Column-1) + lang + ":" + t.nl +
			spaces(value.Column-1) + "-" + spaces(max(first.Column-value.Column-1, 1)) + item + t.nl
	} else {
		text = spaces(key.Column-1) + lang + ": [" + item + "]" + t.nl
	}
	return applySplices(t.src, t.insertLines(end, text)), nil
}

// InsertIntent returns src, the text of an intents file (empty for a new
// file), with the intent in added at the end of its intents list, indented
// like the intents before it. A file without an intents list gets one at
// its end. Nothing else in src changes.
//
// InsertIntent only edits text: PrepareIntent also checks the intent
// against the whole knowledge base and loads the result.
func InsertIntent(src []byte, in NewIntent) ([]byte, error) {
	t, err := parseText(src)
	if err != nil {
		return nil, err
	}
	if t.root == nil {
		// Empty, or only comments: the list starts at the end.
		var out bytes.Buffer
		out.Write(src)
		if len(src) > 0 && src[len(src)-1] != '\n' {
			out.WriteString(t.nl)
		}
		out.WriteString("intents:" + t.nl)
		out.WriteString(renderIntent(in, intentLayout{dash: 2, key: 4, step: 2}, t.nl))
		return out.Bytes(), nil
	}
	if t.root.Kind != yaml.MappingNode || t.root.Style&yaml.FlowStyle != 0 {
		return nil, errors.New("the file's top level is not a block mapping of sections")
	}
	key, list := lookup(t.root, "intents")
	if key == nil {
		text := t.nl + "intents:" + t.nl + renderIntent(in, intentLayout{dash: 2, key: 4, step: 2}, t.nl)
		return applySplices(src, t.insertLines(len(t.lines), text)), nil
	}
	switch {
	case isImplicitNull(list):
		l := intentLayout{dash: key.Column + 1, key: key.Column + 3, step: 2}
		return applySplices(src, t.insertLines(key.Line, renderIntent(in, l, t.nl))), nil
	case list.Kind != yaml.SequenceNode || list.Style&yaml.FlowStyle != 0 || len(list.Content) == 0:
		return nil, fmt.Errorf("line %d: the intents list is not a block list (\"- id: ...\" items)", list.Line)
	}
	last := list.Content[len(list.Content)-1]
	end, err := t.endLine(last, list.Column-1)
	if err != nil {
		return nil, err
	}
	end = t.ownComments(end, list.Column-1)
	l := intentLayout{dash: list.Column - 1, key: last.Column - 1, step: 2}
	if _, ex := lookup(last, "examples"); ex != nil && ex.Kind == yaml.MappingNode && ex.Style&yaml.FlowStyle == 0 && len(ex.Content) > 0 {
		l.step = max(ex.Content[0].Column-last.Column, 1)
	}
	text := renderIntent(in, l, t.nl)
	if separated(t, list) {
		text = t.nl + text
	}
	return applySplices(src, t.insertLines(end, text)), nil
}

// separated reports whether the intents of a list are set apart by blank
// lines, as a new one should be then; a list of one intent counts as
// separated.
func separated(t *yamlText, list *yaml.Node) bool {
	if len(list.Content) < 2 {
		return true
	}
	_, blank, _ := t.indentOf(list.Content[len(list.Content)-1].Line - 1)
	return blank
}

// intentLayout is how an intent is indented: the spaces before its "-",
// before its keys, and added at each level below.
type intentLayout struct {
	dash, key, step int
}

// renderIntent writes an intent as lines of YAML, every text
// double-quoted, languages in the order of Languages.
func renderIntent(in NewIntent, l intentLayout, nl string) string {
	var b strings.Builder
	key := spaces(l.key)
	sub := spaces(l.key + l.step)
	item := spaces(l.key + 2*l.step)
	b.WriteString(spaces(l.dash) + "-" + spaces(max(l.key-l.dash-1, 1)) + "id: " + in.ID + nl)
	if titles := langPairs(in.Title); titles != "" {
		b.WriteString(key + "title: {" + titles + "}" + nl)
	}
	b.WriteString(key + "examples:" + nl)
	for _, lang := range Languages {
		if len(in.Examples[lang]) == 0 {
			continue
		}
		b.WriteString(sub + lang + ":" + nl)
		for _, ex := range in.Examples[lang] {
			b.WriteString(item + "- " + quote(ex) + nl)
		}
	}
	if len(in.Answer) > 0 {
		b.WriteString(key + "answer:" + nl)
		for _, lang := range Languages {
			if a, ok := in.Answer[lang]; ok {
				b.WriteString(sub + lang + ": " + quote(a) + nl)
			}
		}
	}
	return b.String()
}

// langPairs writes per-language texts as the inside of a flow mapping:
// ru: "...", en: "...".
func langPairs(t Text) string {
	var parts []string
	for _, lang := range Languages {
		if s, ok := t[lang]; ok {
			parts = append(parts, lang+": "+quote(s))
		}
	}
	return strings.Join(parts, ", ")
}

func spaces(n int) string {
	return strings.Repeat(" ", max(n, 0))
}

// quote writes s as a YAML double-quoted string. Printable characters,
// Cyrillic included, are kept as they are; quotes, backslashes, line
// breaks and every other control or invisible character are escaped, so
// the string reads back exactly and cannot end the line or the list.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0x85:
			b.WriteString(`\N`)
		case 0xa0:
			b.WriteString(`\_`)
		case 0x2028:
			b.WriteString(`\L`)
		case 0x2029:
			b.WriteString(`\P`)
		default:
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r >= 0x80 && r < 0xa0, r == 0xfeff, r == 0xfffe, r == 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
