// Package intents is the admin-edited model of the bot: intents with their
// examples and answers, shared messages, and test cases, loaded from YAML
// files and validated with file:line errors.
package intents

import (
	"fmt"
	"sort"
)

// Languages the engine understands. Each intent may have examples and
// answers in any subset of them.
const (
	LangRU = "ru"
	LangEN = "en"
)

// Languages lists every supported language in a stable order.
var Languages = []string{LangRU, LangEN}

// Priorities a ticket can carry, from least to most urgent.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Pos is where a value was written: a file and a 1-based line.
type Pos struct {
	File string
	Line int
}

// Text is a value given per language, e.g. {"ru": "...", "en": "..."}.
type Text map[string]string

// Get returns the text for lang, falling back to any other language so that
// a customer always gets something rather than nothing.
func (t Text) Get(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	for _, l := range Languages {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Intent is one thing customers ask about, and what the bot does about it.
type Intent struct {
	ID          string
	Title       Text                // short human name, used on clarify buttons
	Description string              // what the intent covers, for people and classifiers
	Examples    map[string][]string // language → example phrases
	Answer      Text                // language → answer template
	Buttons     map[string][]string // language → quick-reply buttons sent with the answer
	Escalate    bool                // always hand over to an agent
	// Human marks an escalating intent whose purpose is to reach a person
	// ("let me talk to a human"): its escalation counts as the customer
	// asking for one, as /human does, not as the bot handing over.
	Human     bool
	Feedback  *bool   // ask "did this help?" after the answer; nil means the default
	Priority  string  // ticket priority when this intent escalates
	Queue     string  // ticket queue when this intent escalates
	Threshold float64 // answer threshold override; 0 means the global one
	Pos       Pos     // where the intent starts
	// Collect are the details asked, one at a time, before the ticket of
	// an escalating intent is created; nil when it asks none.
	Collect []Question

	// Templates are the parsed Answer templates, per language.
	Templates map[string]*Template
}

// TitleFor returns the intent's title in lang, or its id when it has none.
func (in *Intent) TitleFor(lang string) string {
	if s := in.Title.Get(lang); s != "" {
		return s
	}
	return in.ID
}

// TestCase is a message with the outcome the knowledge base must produce.
type TestCase struct {
	Message string
	Lang    string // optional: force a language instead of detecting it
	Expect  string // an intent id, or ExpectEscalate
	// Answers are sent after Message, one by one, to the questions the
	// bot asks before the handoff (collect:); none for a test of the
	// matcher alone.
	Answers []string
	// Fields are what the ticket created after Answers must hold.
	Fields []TestField
	Pos    Pos
}

// Scripted reports whether the test goes past the match: it answers the
// questions before a handoff, which needs the whole engine to run.
func (t TestCase) Scripted() bool { return len(t.Answers) > 0 }

// ExpectEscalate is the expected outcome of a test case whose message must
// not be answered by any intent.
const ExpectEscalate = "escalate"

// NoIntent is what a classifier answers when no candidate intent fits;
// no intent may have it as its id.
const NoIntent = "none"

// Set is a whole, validated knowledge base: every intent, the shared
// messages and the tests from all files of one directory.
type Set struct {
	Intents  []*Intent // in file order, files sorted by name
	Messages Messages
	Tests    []TestCase
	Canned   []*Canned // agents' ready-made replies, in file order
	// Brand is the company's name as the web chat shows it, per language;
	// empty when the knowledge base gives none.
	Brand Text
	// Collect are the questions asked before an escalation whose intent
	// has no collect: of its own (the top-level collect:); nil when none.
	Collect []Question
	Files   []string // files read, sorted

	byID map[string]*Intent
}

// Intent returns the intent with the given id, or nil.
func (s *Set) Intent(id string) *Intent {
	return s.byID[id]
}

// IDs returns every intent id, sorted.
func (s *Set) IDs() []string {
	ids := make([]string, 0, len(s.Intents))
	for _, in := range s.Intents {
		ids = append(ids, in.ID)
	}
	sort.Strings(ids)
	return ids
}

func (s *Set) index() {
	s.byID = make(map[string]*Intent, len(s.Intents))
	for _, in := range s.Intents {
		s.byID[in.ID] = in
	}
}

// NewSet builds a Set from intents, shared messages and tests. Messages not
// given fall back to DefaultMessages. It does not validate; Load does.
func NewSet(ins []*Intent, msgs Messages, tests []TestCase) *Set {
	full := Messages{}
	for name, byLang := range DefaultMessages {
		full[name] = map[string]*Template{}
		for lang, src := range byLang {
			t, err := ParseTemplate(name, src)
			if err != nil {
				panic(fmt.Sprintf("default message %s/%s: %v", name, lang, err)) // a bug in the defaults above
			}
			full[name][lang] = t
		}
	}
	for name, byLang := range msgs {
		if full[name] == nil {
			full[name] = map[string]*Template{}
		}
		for lang, t := range byLang {
			full[name][lang] = t
		}
	}
	s := &Set{Intents: ins, Messages: full, Tests: tests}
	s.index()
	return s
}
