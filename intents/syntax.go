package intents

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// syntaxProblem turns a YAML parser error into a problem with a line.
func syntaxProblem(file string, data []byte, err error) Problem {
	line, msg := SyntaxError(data, err)
	return Problem{Pos: Pos{File: file, Line: line}, Msg: msg}
}

// SyntaxError returns the line and the message of err, the error parsing
// the YAML in data gave. yaml.v3 writes "yaml: line N: ..." for most
// errors, but leaves the line out for bad bytes, unknown anchors and
// anything on the first line, and for a quote or bracket left open it
// names the line where the parser gave up, often far from the one to
// fix; those lines are found here. The message starts with "YAML syntax
// error: ".
func SyntaxError(data []byte, err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	line, text := errorLine(msg)
	if o, ok := unclosedAt(data, line); ok {
		return o.line, "YAML syntax error: the " + o.open + " opened on this line is not closed"
	}
	if line == 0 {
		return lineOfSyntaxError(data, msg), "YAML syntax error: " + msg
	}
	// yaml.v3 counts a lone carriage return as a line break too; editors
	// and FILE:LINE count newlines, so its line may lie past the last one.
	if lines := bytes.Count(data, []byte("\n")) + 1; line > lines {
		line = lines
	}
	return line, "YAML syntax error: " + text
}

// errorLine splits a yaml.v3 message into its line and the rest; line is
// 0 when the message names none.
func errorLine(msg string) (int, string) {
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				return line, text
			}
		}
	}
	return 0, msg
}

// opening is a quote or a flow bracket that a line opens and leaves open.
type opening struct {
	line        int
	open, close string // e.g. `"`, `"`; or "[", "]"
	at          int    // the offset of the line's end, where the closing goes
}

// maxOpenings bounds how many lines unclosedAt tries: each costs a parse.
const maxOpenings = 20

// unclosedAt finds the quote or bracket left open that makes data fail to
// parse, as yaml.v3 reported at line (0 when it named none): a line that
// opens one without closing it, and with which the file parses once the
// closing is added at its end, or parses further than it did. A quoted
// text or a flow list may run over several lines on purpose; closing such
// a one early does not help the parse, so it is not blamed.
func unclosedAt(data []byte, line int) (opening, bool) {
	for i, o := range openings(data) {
		if i == maxOpenings {
			break
		}
		patched := make([]byte, 0, len(data)+len(o.close))
		patched = append(append(append(patched, data[:o.at]...), o.close...), data[o.at:]...)
		err := parseAll(patched)
		if err == nil {
			return o, true
		}
		if after, _ := errorLine(strings.TrimPrefix(err.Error(), "yaml: ")); after > max(line, o.line) {
			return o, true
		}
	}
	return opening{}, false
}

// parseAll parses every document in data.
func parseAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// openings lists, in order, the lines that open a quoted text or a flow
// list or mapping and leave it open at their end. It reads YAML only as
// far as that takes: comments, quotes with their escapes, and brackets
// where a value starts. Text in block scalars (|, >) may give lines that
// are none; unclosedAt tries them and finds they do not help.
func openings(data []byte) []opening {
	var out []opening
	var quote byte   // the open quote, 0 outside one
	var flow []byte  // the closings of the open brackets
	var flowLine int // the line the outermost open bracket is on
	lineNo, start := 1, 0
	for start <= len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		text := data[start:end]
		quoteHere := false
		flowBefore := len(flow)
		var prev byte // the last character outside quotes and spaces on this line
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case quote == '"':
				if c == '\\' {
					i++
				} else if c == '"' {
					quote, prev = 0, c
				}
			case quote == '\'':
				if c == '\'' && i+1 < len(text) && text[i+1] == '\'' {
					i++
				} else if c == '\'' {
					quote, prev = 0, c
				}
			case c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
				i = len(text)
			case c == ' ' || c == '\t' || c == '\r':
			case (c == '"' || c == '\'') && valueStarts(prev):
				quote, quoteHere = c, true
			case (c == '[' || c == '{') && valueStarts(prev):
				if len(flow) == 0 {
					flowLine = lineNo
				}
				flow = append(flow, map[byte]byte{'[': ']', '{': '}'}[c])
				prev = c
			case (c == ']' || c == '}') && len(flow) > 0:
				flow = flow[:len(flow)-1]
				prev = c
			default:
				prev = c
			}
		}
		end = start + len(bytes.TrimRight(text, "\r"))
		switch {
		case quote != 0 && quoteHere:
			// The brackets this line opened close after the quote.
			closing := string(quote)
			for j := len(flow) - 1; j >= flowBefore; j-- {
				closing += string(flow[j])
			}
			out = append(out, opening{line: lineNo, open: string(quote), close: closing, at: end})
		case quote == 0 && len(flow) > flowBefore && flowLine == lineNo:
			var closing string
			for j := len(flow) - 1; j >= 0; j-- {
				closing += string(flow[j])
			}
			opener := map[byte]string{']': "[", '}': "{"}[closing[len(closing)-1]]
			out = append(out, opening{line: lineNo, open: opener, close: closing, at: end})
		}
		start = start + len(text) + 1
		lineNo++
	}
	return out
}

// valueStarts reports whether a quote or bracket after prev, the last
// character before it on its line, starts a value: at the start of a
// line, after a key's colon, a list dash, or inside a flow collection.
// After anything else it is part of plain text ("it's").
func valueStarts(prev byte) bool {
	switch prev {
	case 0, ':', '-', '[', '{', ',', '?':
		return true
	}
	return false
}

// lineOfSyntaxError finds the line of a YAML error reported without one.
func lineOfSyntaxError(data []byte, msg string) int {
	switch {
	case !utf8.Valid(data):
		for off := 0; off < len(data); {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				return lineAt(data, off)
			}
			off += size
		}
	case strings.Contains(msg, "control characters"):
		for off, r := range string(data) {
			if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
				return lineAt(data, off)
			}
		}
	case strings.HasPrefix(msg, "unknown anchor '"):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "unknown anchor '"), "'")
		if off := bytes.Index(data, []byte("*"+name)); off >= 0 {
			return lineAt(data, off)
		}
	}
	// The parser leaves the line out when it is the first one.
	return 1
}

// lineAt returns the 1-based line of the byte at offset off.
func lineAt(data []byte, off int) int {
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
