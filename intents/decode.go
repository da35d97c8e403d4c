package intents

import (
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Keys allowed at each level of an intents file.
var (
	fileKeys   = []string{"messages", "intents", "tests", "canned", "brand", "collect"}
	intentKeys = []string{"id", "title", "description", "examples", "answer", "buttons",
		"feedback", "escalate", "human", "priority", "queue", "threshold", "collect"}
	testKeys   = []string{"message", "expect", "lang", "answers", "fields"}
	priorities = []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
)

// fileContent is what one intents file defines, with the positions that
// the checks across files need.
type fileContent struct {
	intents  []*intentEntry
	messages []messageEntry
	tests    []testEntry
	canned   []*cannedEntry
	brand    *brandEntry     // nil when the file gives none
	collect  *generalCollect // nil when the file gives none
}

// intentEntry is one intent as read, with where its id and examples are.
type intentEntry struct {
	intent   *Intent
	idPos    Pos       // where the id is written; the intent's start if it has none
	examples []posText // every example, in document order
}

// messageEntry is one shared message defined in a file.
type messageEntry struct {
	name   string
	pos    Pos
	byLang map[string]*Template
}

// testEntry is one test case, with where its expected outcome is written.
type testEntry struct {
	test       TestCase
	expectPos  Pos
	answersPos Pos
	fieldsPos  Pos
}

// decodeFile reads the top-level mapping of one file. Problems that can be
// seen within one value (types, formats, templates) are reported here;
// the ones that need all files are left to checkAcross.
func (r *nodeReader) decodeFile(root *yaml.Node) fileContent {
	var c fileContent
	for _, f := range r.fields(root, "the file", "at the top level", "key", fileKeys) {
		switch f.key {
		case "messages":
			c.messages = r.decodeMessages(f.value)
		case "intents":
			for _, item := range r.list(f.value, "intents") {
				if e := r.decodeIntent(item); e != nil {
					c.intents = append(c.intents, e)
				}
			}
		case "tests":
			for _, item := range r.list(f.value, "tests") {
				if e, ok := r.decodeTest(item); ok {
					c.tests = append(c.tests, e)
				}
			}
		case "canned":
			for _, item := range r.list(f.value, "canned") {
				if e := r.decodeCanned(item); e != nil {
					c.canned = append(c.canned, e)
				}
			}
		case "brand":
			c.brand = r.decodeBrand(f.keyPos, f.value)
		case "collect":
			c.collect = r.decodeGeneralCollect(f.keyPos, f.value)
		}
	}
	return c
}

// list returns the items of a list; null is an empty list.
func (r *nodeReader) list(n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.probs.add(r.pos(n), "%s must be a list, not %s", what, describe(n))
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		items[i] = resolve(item)
	}
	return items
}

// decodeIntent reads one item of intents:. It returns nil when the item is
// not a mapping at all.
func (r *nodeReader) decodeIntent(n *yaml.Node) *intentEntry {
	if n.Kind != yaml.MappingNode {
		r.probs.add(r.pos(n), "each intent must be a mapping, not %s", describe(n))
		return nil
	}
	in := &Intent{Pos: r.pos(n)}
	e := &intentEntry{intent: in, idPos: in.Pos}
	var examples map[string]langList
	var answers map[string]posText
	// A value with a type problem is already reported; saying again that
	// it is missing would only add noise.
	examplesBroken, answersBroken := false, false
	var humanPos, collectPos Pos
	var questions []*questionEntry
	for _, f := range r.fields(n, "intent", "in an intent", "key", intentKeys) {
		switch f.key {
		case "id":
			in.ID, _ = r.text(f.value, "id")
			e.idPos = f.valPos
		case "title":
			in.Title = plainTexts(r.langTexts(f.value, "title"))
		case "description":
			in.Description, _ = r.text(f.value, "description")
		case "examples":
			before := len(r.probs.list)
			examples = r.langLists(f.value, "examples")
			examplesBroken = len(r.probs.list) > before
		case "answer":
			before := len(r.probs.list)
			answers = r.langTexts(f.value, "answer")
			answersBroken = len(r.probs.list) > before
		case "buttons":
			in.Buttons = r.decodeButtons(f.value)
		case "feedback":
			if b, ok := r.boolean(f.value, "feedback"); ok {
				in.Feedback = &b
			}
		case "escalate":
			in.Escalate, _ = r.boolean(f.value, "escalate")
		case "human":
			in.Human, _ = r.boolean(f.value, "human")
			humanPos = f.valPos
		case "priority":
			in.Priority, _ = r.text(f.value, "priority")
			if in.Priority != "" && !slices.Contains(priorities, in.Priority) {
				r.probs.add(f.valPos, "unknown priority %q (want %s)", in.Priority, joinOr(priorities))
			}
		case "queue":
			in.Queue, _ = r.text(f.value, "queue")
			if in.Queue != "" && !isName(in.Queue) {
				r.probs.add(f.valPos, "malformed queue %q: use lower-case letters, digits and \"_\"", in.Queue)
			}
		case "threshold":
			t, ok := r.number(f.value, "threshold")
			if ok && !(t > 0 && t <= 1) {
				r.probs.add(f.valPos, "threshold %v is outside (0, 1]", t)
			}
			in.Threshold = t
		case "collect":
			questions = r.decodeCollect(f.value)
			collectPos = f.keyPos
		}
	}
	r.checkID(e)
	if in.Human && !in.Escalate {
		// A request for a person that the bot answered itself would be
		// counted as asking for one and never reach one.
		r.probs.add(humanPos, "intent %s has human: true but not escalate: true: a request for a person must hand over to one", quoteID(in.ID))
	}
	if len(examples) == 0 && !examplesBroken {
		r.probs.add(in.Pos, "intent %s has no examples", quoteID(in.ID))
	}
	r.setExamples(e, examples)
	r.setAnswers(in, examples, answers, answersBroken)
	r.checkCollect(in, questions, collectPos)
	return e
}

// checkID reports an intent id that is missing, malformed or reserved.
func (r *nodeReader) checkID(e *intentEntry) {
	id := e.intent.ID
	switch {
	case id == "":
		r.probs.add(e.intent.Pos, "intent has no id")
	case !isName(id):
		r.probs.add(e.idPos, "malformed intent id %q: use lower-case letters, digits and \"_\"", id)
	case id == ExpectEscalate:
		r.probs.add(e.idPos, "intent id %q is reserved: tests use it to expect an escalation", id)
	case id == NoIntent:
		r.probs.add(e.idPos, "intent id %q is reserved: a language model answers it when no intent fits", id)
	}
}

// setExamples checks the examples of one intent and stores them. Examples
// repeated within or across intents are found later, by checkAcross.
func (r *nodeReader) setExamples(e *intentEntry, examples map[string]langList) {
	in := e.intent
	in.Examples = map[string][]string{}
	for _, lang := range Languages {
		list, ok := examples[lang]
		if !ok {
			continue
		}
		if len(list.items) == 0 {
			r.probs.add(list.pos, "examples.%s is empty", lang)
		}
		for _, ex := range list.items {
			switch {
			case strings.TrimSpace(ex.text) == "":
				r.probs.add(ex.pos, "empty example in examples.%s", lang)
			case NormalizeExample(ex.text) == "":
				r.probs.add(ex.pos, "example %q in examples.%s has no words, only punctuation", ex.text, lang)
			}
			in.Examples[lang] = append(in.Examples[lang], ex.text)
			e.examples = append(e.examples, ex)
		}
	}
	// Languages may be written in any order; keep the order of the file so
	// that "first at" in later messages points at the earlier line.
	sort.SliceStable(e.examples, func(i, j int) bool { return e.examples[i].pos.Line < e.examples[j].pos.Line })
}

// setAnswers checks and parses the answers of one intent. Every language
// with examples needs an answer, unless the intent always escalates or the
// answers could not be read at all (broken, already reported).
func (r *nodeReader) setAnswers(in *Intent, examples map[string]langList, answers map[string]posText, broken bool) {
	in.Answer = Text{}
	in.Templates = map[string]*Template{}
	for _, lang := range Languages {
		a, ok := answers[lang]
		if !ok {
			if len(examples[lang].items) > 0 && !in.Escalate && !broken {
				r.probs.add(in.Pos, "intent %s has examples in %s but no answer.%s (add one, or set escalate: true)",
					quoteID(in.ID), lang, lang)
			}
			continue
		}
		if strings.TrimSpace(a.text) == "" {
			r.probs.add(a.pos, "answer.%s is empty", lang)
			continue
		}
		in.Answer[lang] = a.text
		t, err := ParseTemplate(in.ID+"/answer."+lang, a.text)
		if err != nil {
			r.probs.add(a.pos, "answer.%s: %v", lang, err)
			continue
		}
		in.Templates[lang] = t
	}
}

// decodeButtons reads buttons: per language, each a non-empty label.
func (r *nodeReader) decodeButtons(n *yaml.Node) map[string][]string {
	out := map[string][]string{}
	lists := r.langLists(n, "buttons")
	for _, lang := range Languages {
		for _, b := range lists[lang].items {
			if strings.TrimSpace(b.text) == "" {
				r.probs.add(b.pos, "empty button in buttons.%s", lang)
				continue
			}
			out[lang] = append(out[lang], b.text)
		}
	}
	return out
}

// decodeMessages reads the messages: section. Only the names of the
// built-in messages may be overridden: any other name would never be sent.
func (r *nodeReader) decodeMessages(n *yaml.Node) []messageEntry {
	var out []messageEntry
	for _, f := range r.fields(n, "messages", "in messages", "message", messageNames()) {
		what := "messages." + f.key
		texts := r.langTexts(f.value, what)
		m := messageEntry{name: f.key, pos: f.keyPos, byLang: map[string]*Template{}}
		if v := resolve(f.value); isNull(v) || (v.Kind == yaml.MappingNode && len(v.Content) == 0) {
			r.probs.add(f.keyPos, "%s has no text", what)
		}
		for _, lang := range Languages {
			src, ok := texts[lang]
			if !ok {
				continue
			}
			if strings.TrimSpace(src.text) == "" {
				r.probs.add(src.pos, "%s.%s is empty", what, lang)
				continue
			}
			t, err := ParseTemplate(f.key+"."+lang, src.text)
			if err != nil {
				r.probs.add(src.pos, "%s.%s: %v", what, lang, err)
				continue
			}
			m.byLang[lang] = t
		}
		out = append(out, m)
	}
	return out
}

// decodeTest reads one item of tests:.
func (r *nodeReader) decodeTest(n *yaml.Node) (testEntry, bool) {
	if n.Kind != yaml.MappingNode {
		r.probs.add(r.pos(n), "each test must be a mapping, not %s", describe(n))
		return testEntry{}, false
	}
	e := testEntry{test: TestCase{Pos: r.pos(n)}, expectPos: r.pos(n)}
	for _, f := range r.fields(n, "test", "in a test", "key", testKeys) {
		switch f.key {
		case "message":
			e.test.Message, _ = r.text(f.value, "message")
		case "expect":
			e.test.Expect, _ = r.text(f.value, "expect")
			e.expectPos = f.valPos
		case "answers":
			e.test.Answers = r.decodeTestAnswers(f.value)
			e.answersPos = f.keyPos
		case "fields":
			e.test.Fields = r.decodeTestFields(f.value)
			e.fieldsPos = f.keyPos
		case "lang":
			e.test.Lang, _ = r.text(f.value, "lang")
			if e.test.Lang != "" && !slices.Contains(Languages, e.test.Lang) {
				r.probs.add(f.valPos, "unknown lang %q (want %s)", e.test.Lang, joinOr(Languages))
			}
		}
	}
	if strings.TrimSpace(e.test.Message) == "" {
		r.probs.add(e.test.Pos, "test has an empty message")
	}
	if e.test.Expect == "" {
		r.probs.add(e.test.Pos, "test has no expect: give an intent id or %q", ExpectEscalate)
	}
	return e, true
}

// messageNames returns the names of the built-in messages, sorted.
func messageNames() []string {
	names := make([]string, 0, len(DefaultMessages))
	for name := range DefaultMessages {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// plainTexts drops the positions from per-language texts.
func plainTexts(in map[string]posText) Text {
	out := Text{}
	for lang, t := range in {
		out[lang] = t.text
	}
	return out
}

// isName reports whether s is a valid id or queue name: [a-z0-9_]+.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// quoteID names an intent in a message, also when it has no id.
func quoteID(id string) string {
	if id == "" {
		return "(no id)"
	}
	return `"` + id + `"`
}
