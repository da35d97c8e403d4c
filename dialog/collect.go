package dialog

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// PendingCollect: an escalating intent asks its questions (collect:)
// before the ticket is created. Conversation.PendingOptions holds the
// intent, the question asked, the answers that did not fit it so far, and
// then the answers given, a name and a value each (see collection).
const PendingCollect Pending = "collect"

// Limits on a collection, so that a customer is never stuck answering.
const (
	// maxBadAnswers is how many answers that do not fit a question's
	// pattern the bot takes before it moves on, leaving the field empty.
	maxBadAnswers = 2
	// MaxFieldLen is the longest answer kept, in characters; a longer one
	// does not fit any question.
	MaxFieldLen = 500
)

// Field is a detail the customer gave before the handoff, kept on the
// ticket (Ticket.Fields) in the order it was asked. An empty Value is a
// question skipped or not answered.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MarshalFields encodes fields for storage.
func MarshalFields(f []Field) string {
	if len(f) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(f) // a slice of plain structs cannot fail to encode
	return string(b)
}

// UnmarshalFields decodes fields written by MarshalFields; empty text is
// no fields.
func UnmarshalFields(s string) ([]Field, error) {
	if s == "" {
		return nil, nil
	}
	var f []Field
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return nil, err
	}
	if len(f) == 0 {
		return nil, nil
	}
	return f, nil
}

// collection is where an intent's questions stand, as kept in
// Conversation.PendingOptions.
type collection struct {
	intent string
	// general: the questions are the knowledge base's top-level
	// collect:, asked before an escalation for reason whose intent has
	// none of its own.
	general    bool
	reason     string
	candidates []Candidate // the escalation's, for its ticket
	index      int         // the question asked
	bad        int         // answers to it that did not fit
	fields     []Field
	// confirming: the question asked is whether known, the value this
	// customer gave before, still holds.
	confirming bool
	known      string
}

// confirmMark stands, in Conversation.PendingOptions, for the name of a
// last pseudo-field holding the value being confirmed; question names are
// [a-z_]+, so it never names a field.
const confirmMark = "?"

// generalMark starts, in Conversation.PendingOptions, the intent of a
// collection of the top-level questions, followed by the reason and the
// intent of the escalation they come before; intent ids never start so.
const generalMark = "*"

// options encodes c for Conversation.PendingOptions.
func (c collection) options() []string {
	head := c.intent
	if c.general {
		var cands []string
		for _, cand := range c.candidates {
			cands = append(cands, cand.Intent+"="+strconv.FormatFloat(cand.Confidence, 'g', -1, 64))
		}
		head = generalMark + c.reason + ":" + c.intent + ":" + strings.Join(cands, ",")
	}
	out := []string{head, strconv.Itoa(c.index), strconv.Itoa(c.bad)}
	for _, f := range c.fields {
		out = append(out, f.Name, f.Value)
	}
	if c.confirming {
		out = append(out, confirmMark, c.known)
	}
	return out
}

// parseCollection decodes Conversation.PendingOptions; ok is false when
// they do not describe a collection.
func parseCollection(opts []string) (c collection, ok bool) {
	if len(opts) < 3 || len(opts)%2 == 0 {
		return c, false
	}
	var err1, err2 error
	c.intent = opts[0]
	if rest, ok := strings.CutPrefix(c.intent, generalMark); ok {
		c.general = true
		var cands string
		c.reason, rest, _ = strings.Cut(rest, ":")
		c.intent, cands, _ = strings.Cut(rest, ":")
		c.candidates = parseCandidates(cands)
	}
	c.index, err1 = strconv.Atoi(opts[1])
	c.bad, err2 = strconv.Atoi(opts[2])
	if err1 != nil || err2 != nil || c.index < 0 || c.bad < 0 {
		return c, false
	}
	for i := 3; i+1 < len(opts); i += 2 {
		c.fields = append(c.fields, Field{Name: opts[i], Value: opts[i+1]})
	}
	if n := len(c.fields); n > 0 && c.fields[n-1].Name == confirmMark {
		c.confirming, c.known = true, c.fields[n-1].Value
		c.fields = c.fields[:n-1]
	}
	return c, true
}

// startCollect asks the first question of in, which escalates and has
// questions to ask; the ticket is created once they are answered.
func (t *turn) startCollect(in *intents.Intent, confidence float64) error {
	c := collection{intent: in.ID}
	intro := t.set.Messages.Render(intents.MsgCollectIntro, t.lang, t.vars())
	return t.askNext(in.Collect, c, intro, in.ID, confidence)
}

// parseCandidates reads the candidates options wrote: intent=confidence,
// separated by commas. What does not read so is left out.
func parseCandidates(s string) []Candidate {
	var out []Candidate
	for _, item := range strings.Split(s, ",") {
		id, conf, ok := strings.Cut(item, "=")
		f, err := strconv.ParseFloat(conf, 64)
		if ok && err == nil && id != "" {
			out = append(out, Candidate{Intent: id, Confidence: f})
		}
	}
	return out
}

// startGeneralCollect asks the first of the questions every escalation
// asks (the top-level collect:), before the escalation for reason, with
// intent and match, that it stands in for.
func (t *turn) startGeneralCollect(reason, intent string, match kb.Result) error {
	c := collection{intent: intent, general: true, reason: reason}
	for _, cand := range match.Candidates {
		c.candidates = append(c.candidates, Candidate{Intent: cand.Intent, Confidence: cand.Confidence})
	}
	intro := t.set.Messages.Render(intents.MsgCollectIntro, t.lang, t.vars())
	return t.askNext(t.set.Collect, c, intro, "", 0)
}

// questions returns the questions c asks; nil when the knowledge base
// has none of them any more.
func (t *turn) questions(c collection) []intents.Question {
	if c.general {
		return t.set.Collect
	}
	if in := t.set.Intent(c.intent); in != nil {
		return in.Collect
	}
	return nil
}

// askNext asks question c.index of qs, as ask does, unless this customer
// gave a value for it before that still fits: then it asks whether that
// value holds.
func (t *turn) askNext(qs []intents.Question, c collection, intro, intent string, confidence float64) error {
	q := qs[c.index]
	known, err := t.knownValue(q)
	if err != nil {
		return err
	}
	c.confirming, c.known = known != "", known
	return t.ask(qs, c, intro, intent, confidence)
}

// ask asks question c.index of qs, after intro when there is one. The
// first question names the intent, with the confidence it was matched
// with, as the bot's answer to the message that matched it; the others
// answer nothing the matcher read.
func (t *turn) ask(qs []intents.Question, c collection, intro, intent string, confidence float64) error {
	q := qs[c.index]
	text := q.Ask.Get(t.lang)
	var buttons []string
	if c.confirming {
		vars := t.vars()
		vars["value"] = c.known
		text += "\n" + t.set.Messages.Render(intents.MsgCollectConfirm, t.lang, vars)
		buttons = t.yesNoButtons()
	} else {
		buttons = append(buttons, q.Buttons[t.lang]...)
		for _, l := range intents.Languages {
			if len(buttons) == 0 {
				buttons = append(buttons, q.Buttons[l]...)
			}
		}
	}
	if intro != "" {
		text = intro + "\n\n" + text
	}
	if q.Optional {
		buttons = append(buttons, t.set.Messages.Render(intents.MsgButtonSkip, t.lang, nil))
	}
	buttons = append(buttons, t.set.Messages.Render(intents.MsgButtonConnect, t.lang, nil))
	t.conv.Pending, t.conv.PendingOptions = PendingCollect, c.options()
	return t.reply(AuthorBot, text, buttons, intent, confidence)
}

// collectAnswer takes the customer's answer to the question asked: it
// keeps a fitting answer, asks again after one that does not fit (up to
// maxBadAnswers), skips an optional question on its button, and stops
// asking on the button for a person. To "is this still right?" yes keeps
// the value known, no asks the question, and a new value that fits
// replaces it. A message that is a question of its own is answered first
// (see sidetrack). After the last question, or once it
// stops, the ticket is created with what was collected.
func (t *turn) collectAnswer(text string, match kb.Result) error {
	c, ok := parseCollection(t.conv.PendingOptions)
	qs := t.questions(c)
	if !ok || c.index >= len(qs) {
		// The knowledge base changed under the collection: hand over
		// with what there is rather than ask questions that are gone.
		return t.finishCollect(c)
	}
	q := qs[c.index]
	if t.fileOnly() {
		// A photo of the router's lights answers no question, but is no
		// wrong answer either: it goes on the ticket with the transcript.
		return t.ask(qs, c, "", "", 0)
	}
	answer := strings.TrimSpace(text)
	fits := utf8.RuneCountInString(answer) <= MaxFieldLen && q.Match(answer)
	confirmed := ""
	if c.confirming {
		confirmed = yesNo(t.set, answer)
	}
	switch {
	case isLabel(t.set, intents.MsgButtonConnect, answer):
		return t.finishCollect(c)
	case q.Optional && isLabel(t.set, intents.MsgButtonSkip, answer):
		c.fields = append(c.fields, Field{Name: q.Name})
	case confirmed == "yes":
		c.fields = append(c.fields, Field{Name: q.Name, Value: c.known})
	case confirmed == "no":
		c.confirming, c.known = false, ""
		return t.ask(qs, c, "", "", 0)
	default:
		if done, err := t.sidetrack(qs, q, c, answer, fits, match); done || err != nil {
			return err
		}
		if fits {
			c.fields = append(c.fields, Field{Name: q.Name, Value: answer})
			break
		}
		c.bad++
		c.confirming, c.known = false, ""
		if c.bad < maxBadAnswers {
			return t.ask(qs, c, t.set.Messages.Render(intents.MsgCollectInvalid, t.lang, t.vars()), "", 0)
		}
		c.fields = append(c.fields, Field{Name: q.Name})
	}
	c.index++
	c.bad = 0
	c.confirming, c.known = false, ""
	if c.index < len(qs) {
		return t.askNext(qs, c, "", "", 0)
	}
	return t.finishCollect(c)
}

// finishCollect creates the ticket of the intent that asked, or of the
// escalation the general questions came before (with its candidates),
// with the fields collected. The matcher's candidates for the answers say
// nothing about the problem, so the ticket gets none of them.
func (t *turn) finishCollect(c collection) error {
	t.fields, t.collected = c.fields, true
	reason := ReasonIntent
	var match kb.Result
	if c.general && c.reason != "" {
		reason = c.reason
		for _, cand := range c.candidates {
			match.Candidates = append(match.Candidates, kb.Scored{Intent: cand.Intent, Confidence: cand.Confidence})
		}
	}
	return t.escalate(reason, c.intent, match)
}

// stopCollect hands the conversation over at the customer's request
// (/human) in the middle of a collection, with what was collected, in the
// intent's queue and priority.
func (t *turn) stopCollect() error {
	c, _ := parseCollection(t.conv.PendingOptions)
	return t.finishCollect(c)
}

// isLabel reports whether text is the label of the shared message name in
// any language, in any case.
func isLabel(set *intents.Set, name, text string) bool {
	for _, l := range intents.Languages {
		if strings.EqualFold(text, set.Messages.Render(name, l, nil)) {
			return true
		}
	}
	return false
}
