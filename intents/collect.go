package intents

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits on what collect: may ask, so that a knowledge base cannot make
// the bot question a customer at length or match answers slowly.
const (
	// MaxQuestions is how many questions one intent may ask before its ticket.
	MaxQuestions = 10
	// MaxPatternLen is the longest pattern an answer is checked against, in
	// characters; RE2 runs in time linear in the input, and this bounds
	// the size of the compiled program.
	MaxPatternLen = 200
)

var collectKeys = []string{"name", "ask", "pattern", "buttons", "optional", "remember"}

// Question is one detail an escalating intent asks the customer for before
// it creates the ticket; the answer is stored on the ticket under Name.
type Question struct {
	Name     string
	Ask      Text                // the question, per language
	Pattern  string              // the answer must match it; "" accepts any answer
	Re       *regexp.Regexp      // Pattern compiled; nil when there is none
	Buttons  map[string][]string // language → suggested answers
	Optional bool                // the customer may skip it
	// Forget: the bot does not offer the value the customer gave on an
	// earlier ticket (remember: false), for answers that do not last,
	// such as since when something is broken.
	Forget bool
	Pos    Pos // where the question starts
}

// Match reports whether answer is acceptable for the question.
func (q *Question) Match(answer string) bool {
	if strings.TrimSpace(answer) == "" {
		return false
	}
	return q.Re == nil || q.Re.MatchString(answer)
}

// questionEntry is one question as read, with where its parts are written
// for the checks that need the whole intent.
type questionEntry struct {
	q       Question
	namePos Pos
	ask     map[string]posText
	askPos  Pos
	asked   bool // ask: is given
	askOK   bool // ask: could be read without problems
}

// decodeCollect reads collect: of one intent. The languages the questions
// must be asked in are known only once the whole intent is read, so
// checkCollect finishes the job.
func (r *nodeReader) decodeCollect(n *yaml.Node) []*questionEntry {
	items := r.list(n, "collect")
	if len(items) > MaxQuestions {
		r.probs.add(r.pos(items[MaxQuestions]), "collect has %d questions, more than %d", len(items), MaxQuestions)
		items = items[:MaxQuestions]
	}
	var out []*questionEntry
	seen := map[string]Pos{}
	for _, item := range items {
		if item.Kind != yaml.MappingNode {
			r.probs.add(r.pos(item), "each question in collect must be a mapping, not %s", describe(item))
			continue
		}
		e := &questionEntry{q: Question{Pos: r.pos(item)}, namePos: r.pos(item), askPos: r.pos(item)}
		for _, f := range r.fields(item, "question", "in a question of collect", "key", collectKeys) {
			switch f.key {
			case "name":
				e.q.Name, _ = r.text(f.value, "collect name")
				e.namePos = f.valPos
			case "ask":
				before := len(r.probs.list)
				e.ask = r.langTexts(f.value, "ask")
				e.askPos = f.keyPos
				e.asked = true
				e.askOK = len(r.probs.list) == before
			case "pattern":
				e.q.Pattern, _ = r.text(f.value, "pattern")
				r.compilePattern(&e.q, f.valPos)
			case "buttons":
				e.q.Buttons = r.decodeButtons(f.value)
			case "optional":
				e.q.Optional, _ = r.boolean(f.value, "optional")
			case "remember":
				remember, ok := r.boolean(f.value, "remember")
				e.q.Forget = ok && !remember
			}
		}
		switch name := e.q.Name; {
		case name == "":
			r.probs.add(e.q.Pos, "question in collect has no name")
		case !isFieldName(name):
			r.probs.add(e.namePos, "malformed question name %q: use lower-case letters and \"_\"", name)
		default:
			if at, ok := seen[name]; ok {
				r.probs.add(e.namePos, "duplicate question name %q in collect (first at %s)", name, at)
			} else {
				seen[name] = e.namePos
			}
		}
		out = append(out, e)
	}
	return out
}

// compilePattern checks and compiles the pattern of q.
func (r *nodeReader) compilePattern(q *Question, pos Pos) {
	if q.Pattern == "" {
		return
	}
	if n := utf8.RuneCountInString(q.Pattern); n > MaxPatternLen {
		r.probs.add(pos, "pattern is %d characters long, more than %d", n, MaxPatternLen)
		return
	}
	re, err := regexp.Compile(q.Pattern)
	if err != nil {
		r.probs.add(pos, "pattern %q does not compile: %v", q.Pattern, err)
		return
	}
	q.Re = re
}

// checkCollect finishes the questions of in: each is asked in every
// language the intent has examples in, and only an escalating intent asks,
// since the answers go on its ticket.
func (r *nodeReader) checkCollect(in *Intent, entries []*questionEntry, collectPos Pos) {
	if len(entries) > 0 && !in.Escalate {
		r.probs.add(collectPos, "intent %s has collect: but not escalate: true: the answers go on the ticket it creates", quoteID(in.ID))
	}
	for _, e := range entries {
		e.q.Ask = Text{}
		if !e.asked {
			r.probs.add(e.q.Pos, "question %s has no ask: give the question in each language of the intent", quoteID(e.q.Name))
		}
		for _, lang := range Languages {
			a, ok := e.ask[lang]
			switch {
			case !ok:
				if len(in.Examples[lang]) > 0 && e.asked && e.askOK {
					r.probs.add(e.askPos, "question %s has no ask.%s, and intent %s has examples in %s",
						quoteID(e.q.Name), lang, quoteID(in.ID), lang)
				}
			case strings.TrimSpace(a.text) == "":
				r.probs.add(a.pos, "ask.%s is empty", lang)
			default:
				e.q.Ask[lang] = a.text
			}
		}
		in.Collect = append(in.Collect, e.q)
	}
}

// isFieldName reports whether s is a valid question name: [a-z_]+.
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}
