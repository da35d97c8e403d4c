package intents

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// syntaxProblem turns a YAML parser error into a problem with a line.
// yaml.v3 writes "yaml: line N: ..." for most errors, but leaves the line
// out for bad bytes, unknown anchors and anything on the first line, so
// those lines are found here.
func syntaxProblem(file string, data []byte, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				return Problem{Pos: Pos{File: file, Line: line}, Msg: "YAML syntax error: " + text}
			}
		}
	}
	return Problem{Pos: Pos{File: file, Line: lineOfSyntaxError(data, msg)}, Msg: "YAML syntax error: " + msg}
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
