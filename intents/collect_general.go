package intents

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// generalCollect is the top-level collect: of one file, with where it is
// written.
type generalCollect struct {
	questions []Question
	pos       Pos
}

// decodeGeneralCollect reads the top-level collect: the questions the bot
// asks before any escalation whose intent has no collect: of its own
// (/human, a request for a person, a message not understood twice). No
// intent says which languages it is asked in, so each question needs an
// ask: in every language.
func (r *nodeReader) decodeGeneralCollect(key Pos, n *yaml.Node) *generalCollect {
	g := &generalCollect{pos: key}
	for _, e := range r.decodeCollect(n) {
		e.q.Ask = Text{}
		if !e.asked {
			r.probs.add(e.q.Pos, "question %s has no ask: give the question in each language (%s)",
				quoteID(e.q.Name), strings.Join(Languages, ", "))
		}
		for _, lang := range Languages {
			a, ok := e.ask[lang]
			switch {
			case !ok:
				if e.asked && e.askOK {
					r.probs.add(e.askPos, "question %s has no ask.%s: the questions every escalation asks need each language",
						quoteID(e.q.Name), lang)
				}
			case strings.TrimSpace(a.text) == "":
				r.probs.add(a.pos, "ask.%s is empty", lang)
			default:
				e.q.Ask[lang] = a.text
			}
		}
		g.questions = append(g.questions, e.q)
	}
	return g
}

// checkGeneralCollect reports a top-level collect: given in two files.
func checkGeneralCollect(files []fileContent, probs *problems) {
	var first *generalCollect
	for _, f := range files {
		if f.collect == nil {
			continue
		}
		if first != nil {
			probs.add(f.collect.pos, "collect is defined in two files (first at %s)", first.pos)
			continue
		}
		first = f.collect
	}
}
