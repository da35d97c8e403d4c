package intents

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxTestAnswers bounds the answers a test gives to the questions before a
// handoff: ten questions, each asked at most twice.
const MaxTestAnswers = 2 * MaxQuestions

// TestField is a field a test expects on the ticket its script ends with.
type TestField struct {
	Name  string
	Value string // "" expects the field not given
	Pos   Pos
}

// decodeTestAnswers reads answers: of a test, the messages the customer
// sends after the test's message, one per question the bot asks.
func (r *nodeReader) decodeTestAnswers(n *yaml.Node) []string {
	list, ok := r.textList(n, "answers")
	if !ok {
		return nil
	}
	if len(list) > MaxTestAnswers {
		r.probs.add(list[MaxTestAnswers].pos, "a test gives %d answers, more than %d", len(list), MaxTestAnswers)
		list = list[:MaxTestAnswers]
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		if strings.TrimSpace(a.text) == "" {
			r.probs.add(a.pos, "an answer is empty: a customer cannot send nothing")
		}
		out = append(out, a.text)
	}
	return out
}

// decodeTestFields reads fields: of a test, a mapping of question name to
// the value expected on the ticket.
func (r *nodeReader) decodeTestFields(n *yaml.Node) []TestField {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.probs.add(r.pos(n), "fields must be a mapping of question name to the value expected, not %s", describe(n))
		return nil
	}
	var out []TestField
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode || !isFieldName(k.Value):
			r.probs.add(r.pos(k), "fields: malformed question name %s: use lower-case letters and \"_\"", describe(k))
			continue
		case seen[k.Value]:
			r.probs.add(r.pos(k), "duplicate field %q in fields", k.Value)
			continue
		}
		seen[k.Value] = true
		value, ok := r.text(v, "fields."+k.Value)
		if ok {
			out = append(out, TestField{Name: k.Value, Value: value, Pos: r.pos(k)})
		}
	}
	return out
}

// checkTestScript reports a test's answers: or fields: that cannot work:
// the questions they answer must be asked, by the intent the test expects
// (its collect:), or before an escalation without one (the top-level
// collect:), and each field expected must be one of them.
func checkTestScript(e testEntry, ins map[string]*Intent, general []Question, probs *problems) {
	t := e.test
	if len(t.Answers) == 0 && len(t.Fields) == 0 {
		return
	}
	if len(t.Answers) == 0 {
		probs.add(e.fieldsPos, "test has fields: but no answers: give the answers to the questions")
		return
	}
	var asked []Question
	in := ins[t.Expect]
	if in == nil && t.Expect != ExpectEscalate {
		return // an unknown intent, reported as such
	}
	switch {
	case in != nil && in.Escalate && !in.Human && len(in.Collect) > 0:
		asked = in.Collect
	case t.Expect == ExpectEscalate || in != nil && in.Escalate:
		asked = general
	}
	if len(asked) == 0 {
		probs.add(e.answersPos, "test has answers: but expects %q, which asks no questions before the handoff (collect:)", t.Expect)
		return
	}
	for _, f := range t.Fields {
		found := false
		for _, q := range asked {
			found = found || q.Name == f.Name
		}
		if !found {
			names := make([]string, len(asked))
			for i, q := range asked {
				names[i] = q.Name
			}
			probs.add(f.Pos, "test expects field %q, which %q does not ask (it asks %s)", f.Name, t.Expect, joinOr(names))
		}
	}
}
