package intents

import (
	"fmt"
	"sort"
	"strings"
)

// String returns the position as FILE:LINE, or just FILE when the line is
// not known (a problem with a whole directory or file).
func (p Pos) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Problem is one thing wrong with the intents files, at the place where it
// was written.
type Problem struct {
	Pos Pos
	Msg string
}

// String returns the problem as FILE:LINE: message.
func (p Problem) String() string {
	return p.Pos.String() + ": " + p.Msg
}

// Errors is every problem found while loading a directory. Load returns it
// sorted by file, then line.
type Errors []Problem

// Error prints every problem on its own line as FILE:LINE: message.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects what is wrong during one load, so that every check can
// add to it and the admin sees all problems at once, not one per reload.
type problems struct {
	list Errors
}

// add records a problem at pos.
func (ps *problems) add(pos Pos, format string, args ...any) {
	ps.list = append(ps.list, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// sorted returns the problems sorted by file, then line. Problems on the
// same line keep the order in which they were found.
func (ps *problems) sorted() Errors {
	out := append(Errors(nil), ps.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.File != out[j].Pos.File {
			return out[i].Pos.File < out[j].Pos.File
		}
		return out[i].Pos.Line < out[j].Pos.Line
	})
	return out
}
