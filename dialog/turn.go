package dialog

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// turn is the handling of one inbound message inside its transaction.
type turn struct {
	e    *Engine
	ctx  context.Context
	tx   Tx
	conv *Conversation
	set  *intents.Set

	// match reads a message with the knowledge base of this turn, for
	// what a message earlier in the conversation was matched with.
	match func(text string) kb.Result

	in     *Message // the stored inbound message
	rating bool     // the message rates the ticket just closed (reactRate)
	rated  *Ticket  // the ticket the message rated

	ticketChanged bool       // a ticket was created, reopened or stopped waiting
	lang          string     // the language to answer in
	replies       []*Message // what the bot said
	ticket        *Ticket    // the conversation's ticket, once loaded or created

	escalation string // why the message escalated, for Outcome.Escalation; "" if it did not

	fields []Field // details collected before the handoff, for the ticket escalate creates
	// collected: the questions before the handoff were asked (or stopped),
	// so escalate creates the ticket rather than asking them.
	collected bool
	// known are the values this customer gave before, by field name;
	// nil until knownValue loads them.
	known map[string]string

	words *string // what the customer asked about, once customerWords found it

	incidentID int64 // the incident the ticket escalate creates or reopens is linked to; 0 for none
}

// receive stores the customer's message and updates what the conversation
// knows about the customer. The first message after a ticket was closed
// brings the conversation back to the bot, unless it is the rating the bot
// asked for (t.rating, as decide found), which stays with the closed
// ticket. The conversation's language is the one the matcher understood
// the message in, or else the one its letters are in.
func (t *turn) receive(in Inbound, cmd, text string, match kb.Result) error {
	t.lang = t.conv.Lang
	if t.lang == "" {
		t.lang = t.e.cfg.DefaultLanguage
	}
	switch {
	case cmd != "": // commands are Latin whatever language the customer speaks
	case match.Decision != kb.DecisionNone:
		// The matcher read the message after retyping words typed in the
		// wrong keyboard layout: "ghbdtn" is Russian.
		t.lang = match.Lang
	default:
		t.lang = kb.DetectLanguage(text, t.lang)
	}
	t.conv.Lang = t.lang
	if in.CustomerName != "" {
		t.conv.CustomerName = in.CustomerName
	}
	if t.conv.State == StateClosed {
		t.conv.State = StateBot
		t.conv.Pending, t.conv.PendingOptions = PendingNone, nil
		if !t.rating {
			t.conv.TicketID = 0
		}
	}
	var err error
	if t.ticket, err = currentTicket(t.ctx, t.tx, t.conv); err != nil {
		return err
	}
	t.in = &Message{
		ConversationID: t.conv.ID,
		TicketID:       t.conv.TicketID,
		Author:         AuthorCustomer,
		ExternalID:     in.ExternalID,
		Text:           in.Text,
		Lang:           t.lang,
		CreatedAt:      t.tx.Now(),
	}
	if err := t.tx.AddMessage(t.ctx, t.in); err != nil {
		return err
	}
	for _, a := range in.Attachments {
		a.MessageID = t.in.ID
		if err := t.tx.AddAttachment(t.ctx, a); err != nil {
			return err
		}
		t.in.Attachments = append(t.in.Attachments, a)
	}
	return t.record(Activity{Kind: ActivityMessageIn})
}

// reaction is what the bot does with a customer's message.
type reaction int

const (
	reactMatch          reaction = iota // act on what the matcher made of the message
	reactRate                           // store the rating of the ticket just closed
	reactStatus                         // tell where the ticket stands
	reactGreet                          // greet, dropping any question asked
	reactEscalate                       // hand the conversation to a person, as the customer asked
	reactSilent                         // nothing: a person is in charge
	reactOption                         // answer the option of a clarify question the customer chose
	reactPerson                         // escalate: the customer chose a person over the options
	reactHelpful                        // thank: the answer helped
	reactNotHelpful                     // escalate: the answer did not help
	reactCollect                        // take the answer to a question asked before the handoff
	reactField                          // take the answer to the detail an agent asked for
	reactIncidentNotify                 // tell the customer when the incident they were told of is over
	reactIncidentPerson                 // escalate: the customer wants a person despite the incident
)

// plan is what the bot will do with a customer's message.
type plan struct {
	reaction reaction
	option   string // the intent chosen, for reactOption
	// rephrased: the bot had asked the customer to say it in other
	// words, so a message it still cannot answer escalates.
	rephrased bool
}

// decide tells what the bot does with a customer's message: text, which
// starts with the command cmd, or with none when cmd is "", coming to conv
// as it is before the message is stored. It changes nothing, so that
// Handle can also ask it, before its transaction, whether the bot will act
// on the match at all.
func decide(set *intents.Set, conv *Conversation, cmd, text string) plan {
	state, pending := conv.State, conv.Pending
	if state == StateClosed {
		// The rating the bot asked for stays with the closed ticket; any
		// other message brings the conversation back to the bot with
		// nothing pending (see receive).
		if pending == PendingCSAT && csatRating(text) > 0 {
			return plan{reaction: reactRate}
		}
		state, pending = StateBot, PendingNone
	}

	switch cmd {
	case CommandStatus:
		return plan{reaction: reactStatus}
	case CommandStart:
		if state == StateBot {
			return plan{reaction: reactGreet}
		}
		return plan{reaction: reactStatus}
	case CommandHuman:
		if state == StateBot {
			return plan{reaction: reactEscalate}
		}
		return plan{reaction: reactStatus}
	}

	// With a person in charge the bot stays silent: the message is already
	// on the ticket's transcript; it may answer what the agent asked for.
	if state != StateBot {
		if pending == PendingField {
			return plan{reaction: reactField}
		}
		return plan{reaction: reactSilent}
	}

	switch pending {
	case PendingCollect:
		return plan{reaction: reactCollect}
	case PendingRephrase:
		// The button offered with the question about a file.
		if isLabel(set, intents.MsgButtonHuman, strings.TrimSpace(text)) {
			return plan{reaction: reactPerson}
		}
	case PendingClarify:
		id, person := chosenOption(set, text, conv.PendingOptions)
		if person {
			return plan{reaction: reactPerson}
		}
		if id != "" {
			return plan{reaction: reactOption, option: id}
		}
	case PendingIncident:
		switch incidentChoice(set, text) {
		case "notify":
			return plan{reaction: reactIncidentNotify}
		case "person":
			return plan{reaction: reactIncidentPerson}
		}
	case PendingFeedback:
		switch yesNo(set, text) {
		case "yes":
			return plan{reaction: reactHelpful}
		case "no":
			return plan{reaction: reactNotHelpful}
		}
	}
	return plan{reaction: reactMatch, rephrased: pending == PendingRephrase}
}

// respond does what p, decided for the message, says.
func (t *turn) respond(p plan, text string, match kb.Result) error {
	// Any message of the customer is the answer a waiting ticket waits
	// for, but asking where the ticket stands (/status, /start) is not.
	if err := t.resume(p); err != nil {
		return err
	}
	switch p.reaction {
	case reactRate:
		return t.rate(text)
	case reactStatus:
		return t.status()
	case reactSilent:
		return t.acknowledge()
	case reactEscalate:
		switch t.conv.Pending {
		case PendingCollect:
			return t.stopCollect()
		case PendingIncident:
			// As the notice's own button: the ticket keeps the intent
			// asked about and the incident.
			options := t.conv.PendingOptions
			t.conv.Pending, t.conv.PendingOptions = PendingNone, nil
			return t.incidentPerson(options)
		}
		return t.escalate(ReasonCustomerAsk, "", match)
	case reactCollect:
		return t.collectAnswer(text, match)
	case reactField:
		return t.fieldAnswer(text)
	}

	// Whatever the bot asked, this message answered it or moved on.
	options := t.conv.PendingOptions
	t.conv.Pending, t.conv.PendingOptions = PendingNone, nil
	switch p.reaction {
	case reactGreet:
		return t.say(intents.MsgGreeting, nil)
	case reactPerson:
		return t.talkToPerson(options)
	case reactOption:
		if err := t.record(Activity{Kind: ActivityClarifyAnswered, Intent: p.option}); err != nil {
			return err
		}
		return t.answerOption(p.option, options, match)
	case reactHelpful:
		if err := t.recordFeedback(options, true); err != nil {
			return err
		}
		return t.say(intents.MsgFeedbackThanks, nil)
	case reactNotHelpful:
		if err := t.recordFeedback(options, false); err != nil {
			return err
		}
		return t.notHelpful(options)
	case reactIncidentNotify:
		return t.subscribeIncident(options)
	case reactIncidentPerson:
		return t.incidentPerson(options)
	}

	switch match.Decision {
	case kb.DecisionAnswer:
		if t.set.Intent(match.Intent) != nil {
			return t.answer(match.Intent, match.ConfidenceOf(match.Intent), match)
		}
	case kb.DecisionClarify:
		return t.clarify(match)
	}
	if p.rephrased {
		return t.escalate(ReasonNoMatch, match.Top().Intent, match)
	}
	if t.fileOnly() {
		return t.askAboutFile()
	}
	return t.askRephrase(match)
}

// fileOnly reports whether the customer's message is files without words:
// a screenshot of an error, a scan of a receipt.
func (t *turn) fileOnly() bool {
	return len(t.in.Attachments) > 0 && !HasVisibleText(t.in.Text)
}

// askAboutFile answers a file the bot cannot read: words, or a person,
// who will see the file on the ticket. As after "please rephrase", a next
// message the bot cannot answer either goes to a person; the file is not
// listed for review, as there is no text to learn from.
func (t *turn) askAboutFile() error {
	t.conv.Pending = PendingRephrase
	return t.say(intents.MsgFileOnly, []string{t.set.Messages.Render(intents.MsgButtonHuman, t.lang, nil)})
}

// acknowledge tells a customer waiting for a person that their message
// joined the ticket, with the time left until an agent is due to answer
// when the SLA sets one, unless a message of theirs was acknowledged
// within Config.AcknowledgeEvery: a burst of messages gets one
// acknowledgement. When is kept on the conversation, so that it holds
// whichever replica handles the next message. With an agent in the chat
// the bot says nothing.
func (t *turn) acknowledge() error {
	every := t.e.cfg.AcknowledgeEvery
	if every <= 0 || t.conv.State != StateQueued || t.ticket == nil || t.ticket.Status != TicketQueued {
		return nil
	}
	now := t.tx.Now()
	if !t.conv.AckedAt.IsZero() && now.Sub(t.conv.AckedAt) < every {
		return nil
	}
	t.conv.AckedAt = now
	return t.say(intents.MsgAddedToTicket, nil)
}

// askRephrase asks the customer to say it in other words, and records
// that the message was not understood: the review page lists it whether
// or not the customer comes back.
func (t *turn) askRephrase(match kb.Result) error {
	t.conv.Pending = PendingRephrase
	if err := t.say(intents.MsgRephrase, nil); err != nil {
		return err
	}
	return t.record(Activity{Kind: ActivityRephraseAsked, Intent: match.Top().Intent})
}

// recordFeedback records the customer's answer to "did this help?" about
// each intent answered, the pending options: one, or two when a message
// asked two things.
func (t *turn) recordFeedback(options []string, helpful bool) error {
	if len(options) == 0 {
		options = []string{""}
	}
	for _, id := range options {
		a := Activity{Kind: ActivityFeedback, Intent: id}
		if helpful {
			a.Value = 1
		}
		if err := t.record(a); err != nil {
			return err
		}
	}
	return nil
}

// notHelpful escalates after the customer said an answer did not help. The
// ticket's candidates are the intents that were answered, with the
// confidence each was answered with, so the agent sees what the bot tried.
func (t *turn) notHelpful(options []string) error {
	var answered kb.Result
	if len(options) > 0 {
		msgs, err := t.tx.Messages(t.ctx, MessageFilter{ConversationID: t.conv.ID})
		if err != nil {
			return err
		}
		for _, id := range options {
			c := kb.Scored{Intent: id}
			for i := len(msgs) - 1; i >= 0; i-- {
				if m := msgs[i]; m.Author == AuthorBot && m.Intent == id {
					c.Confidence = m.Confidence
					break
				}
			}
			answered.Candidates = append(answered.Candidates, c)
		}
	}
	return t.escalate(ReasonNotHelpful, answered.Top().Intent, answered)
}

// rate stores the customer's rating of the ticket just closed.
func (t *turn) rate(text string) error {
	t.ticket.CSAT = csatRating(text)
	if err := t.tx.UpdateTicket(t.ctx, t.ticket); err != nil {
		return err
	}
	if err := t.record(Activity{Kind: ActivityCSAT, Value: t.ticket.CSAT}); err != nil {
		return err
	}
	t.conv.TicketID = 0
	err := t.say(intents.MsgCSATThanks, nil)
	t.rated, t.ticket = t.ticket, nil
	return err
}

// csatRating reads a rating from 1 to 5, or returns 0.
func csatRating(text string) int {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > 5 {
		return 0
	}
	return n
}

// answer replies with an intent's answer, or escalates if the intent says so.
func (t *turn) answer(id string, confidence float64, match kb.Result) error {
	// An incident covering the intent is what the customer hears first,
	// before its answer, its questions or its handoff.
	if told, err := t.incidentNotice(id, confidence); err != nil || told {
		return err
	}
	escalated, err := t.sendAnswer(id, "", confidence, match)
	if err != nil || escalated {
		return err
	}
	return t.askFeedback([]string{id})
}

// answerOption answers the option the customer picked among options, the
// intents a clarify question offered. When the message asked about held
// two questions, one about each of the first two options (the matcher
// found a clause confidently about each, see kb.Result.Mixed), the other
// is answered next, introduced as such: the customer said which first,
// not that the other did not matter. A message that was only unclear
// gets the one answer picked.
func (t *turn) answerOption(id string, options []string, match kb.Result) error {
	other, asked, err := t.otherQuestion(id, options)
	if err != nil {
		return err
	}
	if other == "" {
		return t.answer(id, 0, match)
	}
	escalated, err := t.sendAnswer(id, "", 0, match)
	if err != nil || escalated {
		// With a person in charge, the person reads both questions.
		return err
	}
	vars := t.vars()
	vars["options"] = joinOptions([]string{t.set.Intent(other).TitleFor(t.lang)}, t.lang)
	intro := t.set.Messages.Render(intents.MsgAlsoAsked, t.lang, vars)
	if escalated, err = t.sendAnswer(other, intro, 0, asked); err != nil || escalated {
		return err
	}
	return t.askFeedback([]string{id, other})
}

// otherQuestion returns, when the customer picked id among options of a
// question about a message that asked two things, the intent of the other
// thing, with what the matcher makes of that message; "" otherwise.
func (t *turn) otherQuestion(id string, options []string) (string, kb.Result, error) {
	if len(options) < 2 || (id != options[0] && id != options[1]) {
		return "", kb.Result{}, nil
	}
	asked, err := t.askedMatch()
	if err != nil || !asked.Mixed || len(asked.Offer) != 2 {
		return "", kb.Result{}, err
	}
	// The question must be the one the matcher asks of the message now:
	// a reload since may have changed what it makes of it.
	if !slices.Equal(asked.Offer, options[:2]) {
		return "", kb.Result{}, nil
	}
	other := options[0]
	if other == id {
		other = options[1]
	}
	if t.set.Intent(other) == nil {
		return "", kb.Result{}, nil
	}
	return other, asked, nil
}

// sendAnswer sends an intent's answer, after intro when that is not
// empty, and escalates if the intent says so; it reports whether it did.
func (t *turn) sendAnswer(id, intro string, confidence float64, match kb.Result) (escalated bool, err error) {
	in := t.set.Intent(id)
	if len(in.Templates) > 0 {
		text := t.render(in.Templates)
		if intro != "" {
			text = intro + "\n\n" + text
		}
		if err := t.reply(AuthorBot, text, in.Buttons[t.lang], id, confidence); err != nil {
			return false, err
		}
		if err := t.record(Activity{Kind: ActivityAnswered, Intent: id, Confidence: confidence}); err != nil {
			return false, err
		}
	}
	if !in.Escalate {
		return false, nil
	}
	// Asking for a person in words is asking as /human does.
	reason := ReasonIntent
	if in.Human {
		reason = ReasonCustomerAsk
	} else if len(in.Collect) > 0 {
		return true, t.startCollect(in, confidence)
	}
	return true, t.escalate(reason, id, match)
}

// askFeedback asks "did this help?" about the intents just answered that
// want it asked (by their feedback:, or else the configuration).
func (t *turn) askFeedback(ids []string) error {
	var ask []string
	for _, id := range ids {
		want := t.e.cfg.AskFeedback
		if f := t.set.Intent(id).Feedback; f != nil {
			want = *f
		}
		if want {
			ask = append(ask, id)
		}
	}
	if len(ask) == 0 {
		return nil
	}
	t.conv.Pending, t.conv.PendingOptions = PendingFeedback, ask
	return t.say(intents.MsgFeedbackQuestion, t.yesNoButtons())
}

// render picks the answer template for the turn's language, falling back to
// any language the intent has.
func (t *turn) render(templates map[string]*intents.Template) string {
	tpl := templates[t.lang]
	for _, l := range intents.Languages {
		if tpl == nil {
			tpl = templates[l]
		}
	}
	if tpl == nil {
		return ""
	}
	return tpl.Render(t.vars())
}

// clarify asks which of the intents the matcher offers, two or three it
// found plausible and none sure, the customer meant. Each is a button, and
// a last one hands the conversation to a person, so that the customer is
// one tap from an answer or from someone who can give one.
func (t *turn) clarify(match kb.Result) error {
	var ids, titles []string
	for _, id := range match.Offer {
		// An intent a reload removed since the match is not offered.
		if in := t.set.Intent(id); in != nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
			titles = append(titles, in.TitleFor(t.lang))
		}
	}
	if len(ids) == 0 {
		return t.askRephrase(match)
	}
	t.conv.Pending, t.conv.PendingOptions = PendingClarify, ids
	vars := t.vars()
	vars["options"] = joinOptions(titles, t.lang)
	buttons := append(slices.Clone(titles), t.set.Messages.Render(intents.MsgButtonHuman, t.lang, nil))
	if err := t.reply(AuthorBot, t.set.Messages.Render(intents.MsgClarify, t.lang, vars), buttons, "", 0); err != nil {
		return err
	}
	return t.record(Activity{Kind: ActivityClarifyAsked, Intent: ids[0], Options: ids})
}

// talkToPerson escalates when the customer chose a person over the
// options of a clarify question, as /human does. The ticket's candidates
// are the options offered, with the confidences the matcher gave them
// when it asked, so the agent sees what the bot hesitated between.
func (t *turn) talkToPerson(options []string) error {
	asked, err := t.askedMatch()
	if err != nil {
		return err
	}
	var offered kb.Result
	for _, id := range options {
		offered.Candidates = append(offered.Candidates, kb.Scored{Intent: id, Confidence: asked.ConfidenceOf(id)})
	}
	return t.escalate(ReasonCustomerAsk, "", offered)
}

// askedMatch returns what the matcher makes of the customer's message that
// the conversation's last question with buttons answered, or a zero
// Result when there is none. The confidences are not stored with the
// question, so the message is matched again: inside the transaction, but
// once per such escalation, and a match costs far less than the commit.
func (t *turn) askedMatch() (kb.Result, error) {
	msgs, err := t.tx.Messages(t.ctx, MessageFilter{ConversationID: t.conv.ID, Public: true})
	if err != nil {
		return kb.Result{}, err
	}
	var question *Message
	for i := len(msgs) - 1; i >= 0 && question == nil; i-- {
		if m := msgs[i]; m.Author == AuthorBot && len(m.Buttons) > 0 && m.ReplyTo != 0 {
			question = m
		}
	}
	if question == nil || t.match == nil {
		return kb.Result{}, nil
	}
	for _, m := range msgs {
		if m.ID == question.ReplyTo {
			return t.match(m.Text), nil
		}
	}
	return kb.Result{}, nil
}

// joinOptions reads a list of titles as `"A" or "B"` / «А» или «Б», and
// `"A", "B" or "C"` / «А», «Б» или «В».
func joinOptions(titles []string, lang string) string {
	left, right, or := `"`, `"`, " or "
	if lang == intents.LangRU {
		left, right, or = "«", "»", " или "
	}
	quoted := make([]string, len(titles))
	for i, s := range titles {
		quoted[i] = left + s + right
	}
	if len(quoted) <= 1 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + or + quoted[len(quoted)-1]
}

// chosenOption reads the customer's answer to a clarify question that
// offered options: the intent picked by its button's title, in either
// language, or by its number; or person, when the customer chose the last
// button, a person (by its label or number). Anything else picks nothing.
func chosenOption(set *intents.Set, text string, options []string) (id string, person bool) {
	text = strings.TrimSpace(text)
	if n, err := strconv.Atoi(text); err == nil {
		switch {
		case n >= 1 && n <= len(options):
			return options[n-1], false
		case n == len(options)+1:
			return "", true
		}
		return "", false
	}
	for _, id := range options {
		in := set.Intent(id)
		if in == nil {
			continue
		}
		for _, l := range intents.Languages {
			if strings.EqualFold(text, in.TitleFor(l)) {
				return id, false
			}
		}
	}
	return "", isLabel(set, intents.MsgButtonHuman, text)
}

// yesNo reads a reply to "did this help?" as "yes", "no" or "".
func yesNo(set *intents.Set, text string) string {
	text = strings.ToLower(strings.Trim(strings.TrimSpace(text), ".!"))
	for _, l := range intents.Languages {
		if text == strings.ToLower(set.Messages.Render(intents.MsgButtonYes, l, nil)) {
			return "yes"
		}
		if text == strings.ToLower(set.Messages.Render(intents.MsgButtonNo, l, nil)) {
			return "no"
		}
	}
	switch text {
	case "да", "yes", "помогло", "спасибо", "ага", "ок", "ok", "thanks", "yep", "y":
		return "yes"
	case "нет", "no", "не помогло", "nope", "n":
		return "no"
	}
	return ""
}

func (t *turn) yesNoButtons() []string {
	return []string{
		t.set.Messages.Render(intents.MsgButtonYes, t.lang, nil),
		t.set.Messages.Render(intents.MsgButtonNo, t.lang, nil),
	}
}

// status tells the customer where their ticket stands.
func (t *turn) status() error {
	if t.ticket == nil {
		return t.say(intents.MsgStatusNone, nil)
	}
	return t.say(intents.MsgStatusTicket, nil)
}

// escalate hands the conversation to a person, after the questions every
// escalation asks (the top-level collect:) when there are any: it reopens the
// conversation's last ticket if that was closed within the reopen window,
// and creates a ticket otherwise; then tells the customer.
func (t *turn) escalate(reason, intent string, match kb.Result) error {
	if !t.collected && len(t.set.Collect) > 0 {
		return t.startGeneralCollect(reason, intent, match)
	}
	if err := t.linkCoveringIncident(intent); err != nil {
		return err
	}
	ticket, err := t.reopenable()
	if err != nil {
		return err
	}
	at := t.tx.Now()
	reopened := ticket != nil
	if reopened {
		ticket.Status = TicketQueued
		ticket.Assignee = ""
		ticket.Reopens++
		ticket.ClosedAt = time.Time{}
		ticket.FirstResponseAt = time.Time{}
		if t.fields != nil {
			ticket.Fields = t.fields
		}
		if t.incidentID != 0 {
			ticket.IncidentID = t.incidentID
		}
		t.e.setDeadlines(ticket, at)
		if err := t.tx.UpdateTicket(t.ctx, ticket); err != nil {
			return err
		}
		t.e.log.Info("ticket reopened", "ticket", ticket.Number, "reason", reason, "conversation", t.conv.ID)
	} else {
		ticket = &Ticket{
			ConversationID: t.conv.ID,
			Status:         TicketQueued,
			Reason:         reason,
			Intent:         intent,
			Priority:       t.e.cfg.DefaultPriority,
			Queue:          t.e.cfg.DefaultQueue,
			Channel:        t.conv.Channel,
			CustomerName:   t.conv.DisplayName(),
			Fields:         t.fields,
			IncidentID:     t.incidentID,
		}
		for _, c := range match.Candidates {
			ticket.Candidates = append(ticket.Candidates, Candidate{Intent: c.Intent, Confidence: c.Confidence})
		}
		if in := t.set.Intent(intent); in != nil {
			if in.Priority != "" {
				ticket.Priority = in.Priority
			}
			if in.Queue != "" {
				ticket.Queue = in.Queue
			}
		}
		t.e.setDeadlines(ticket, at)
		if err := t.tx.CreateTicket(t.ctx, ticket); err != nil {
			return err
		}
		t.e.log.Info("conversation escalated", "ticket", ticket.Number, "reason", reason,
			"channel", t.conv.Channel, "conversation", t.conv.ID)
	}
	t.escalation = reason // before queueTeamLine, which reads it
	t.ticket = ticket
	t.ticketChanged = true
	if !reopened {
		if err := t.queueTeamLine(ticket); err != nil {
			return err
		}
	}
	t.conv.State = StateQueued
	t.conv.TicketID = ticket.ID
	t.conv.Pending, t.conv.PendingOptions = PendingNone, nil
	t.conv.AckedAt = time.Time{} // what the customer adds now is news
	err = t.record(Activity{Kind: ActivityEscalated, Reason: reason, Intent: intent, Queue: ticket.Queue,
		Priority: ticket.Priority, FirstResponseDue: ticket.FirstResponseDue, ResolutionDue: ticket.ResolutionDue})
	if err != nil {
		return err
	}
	if reopened {
		if err := t.record(Activity{Kind: ActivityReopened, Queue: ticket.Queue}); err != nil {
			return err
		}
	}
	if err := t.say(intents.MsgEscalated, nil); err != nil {
		return err
	}
	return t.e.autoAssign(t.ctx, t.tx, t.conv, ticket, t)
}

// reopenable returns the conversation's last ticket if it was closed within
// the reopen window, or nil.
func (t *turn) reopenable() (*Ticket, error) {
	if t.e.cfg.ReopenWindow <= 0 {
		return nil, nil
	}
	last, err := t.tx.Tickets(t.ctx, TicketFilter{ConversationID: t.conv.ID, Limit: 1})
	if err != nil || len(last) == 0 {
		return nil, err
	}
	if tk := last[0]; !tk.Open() && t.tx.Now().Sub(tk.ClosedAt) <= t.e.cfg.ReopenWindow {
		return tk, nil
	}
	return nil, nil
}

// setDeadlines sets a ticket's SLA deadlines from the policy for its
// priority, counting working time of its queue from at.
func (e *Engine) setDeadlines(t *Ticket, at time.Time) {
	sla, cal := e.cfg.SLA[t.Priority], e.calendar(t.Queue)
	t.FirstResponseDue, t.ResolutionDue = time.Time{}, time.Time{}
	if sla.FirstResponse > 0 {
		t.FirstResponseDue = cal.Add(at, sla.FirstResponse)
	}
	if sla.Resolution > 0 {
		t.ResolutionDue = cal.Add(at, sla.Resolution)
	}
}

// vars are the template variables for this turn.
func (t *turn) vars() intents.Vars {
	return ticketVars(t.set, t.conv, t.ticket, t.lang, t.tx.Now(), t.e.ticketCalendar(t.ticket))
}

// events are what the turn changed, for live views.
func (t *turn) events() []Event {
	ev := Event{Kind: EventMessage, ConversationID: t.conv.ID}
	if t.ticket != nil && t.conv.TicketID == t.ticket.ID {
		ev.TicketID, ev.TicketNumber, ev.Queue = t.ticket.ID, t.ticket.Number, t.ticket.Queue
	}
	out := []Event{ev}
	if t.ticketChanged || t.rating {
		tk := t.ticket
		if tk == nil {
			tk = t.rated
		}
		out = append(out, Event{Kind: EventTicket, ConversationID: t.conv.ID, TicketID: tk.ID,
			TicketNumber: tk.Number, Queue: tk.Queue})
	}
	return out
}

// say sends a shared message from the bot.
func (t *turn) say(name string, buttons []string) error {
	return t.reply(AuthorBot, t.set.Messages.Render(name, t.lang, t.vars()), buttons, "", 0)
}

// sayAs sends a shared message with another author, e.g. the system
// telling the customer an agent joined.
func (t *turn) sayAs(author Author, name string) error {
	return t.reply(author, t.set.Messages.Render(name, t.lang, t.vars()), nil, "", 0)
}

// reply sends a message answering the inbound one.
func (t *turn) reply(author Author, text string, buttons []string, intent string, confidence float64) error {
	m := &Message{
		TicketID:   t.conv.TicketID,
		Author:     author,
		ReplyTo:    t.in.ID,
		Text:       text,
		Buttons:    buttons,
		Intent:     intent,
		Confidence: confidence,
	}
	if err := t.e.addOutbound(t.ctx, t.tx, t.conv, m, t); err != nil {
		return err
	}
	t.replies = append(t.replies, m)
	return nil
}

// firstName returns the first word of a display name.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}
