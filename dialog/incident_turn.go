package dialog

import (
	"strconv"
	"strings"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// PendingIncident: the bot told the customer of an incident covering what
// they asked about and offered to tell them when it is over, or to hand
// them to a person all the same. Conversation.PendingOptions holds the
// incident's id and the intent asked about.
const PendingIncident Pending = "incident"

// ActivityIncidentNotice: the bot told the customer of an incident
// instead of answering Intent; Value is the incident's id. A contact with
// one and no escalation was answered by the incident (see the report).
const ActivityIncidentNotice ActivityKind = "incident_notice"

// incidentChoice reads the customer's answer to an incident notice:
// "notify" for the button asking to be told when it is over, "person"
// for the one asking for a person, in either language; "" otherwise.
func incidentChoice(set *intents.Set, text string) string {
	text = strings.TrimSpace(text)
	switch {
	case isLabel(set, intents.MsgButtonIncidentNotify, text):
		return "notify"
	case isLabel(set, intents.MsgButtonIncidentPerson, text), isLabel(set, intents.MsgButtonHuman, text):
		return "person"
	}
	return ""
}

// coveringIncident returns the newest active incident that covers
// intent, or nil.
func (t *turn) coveringIncident(intent string) (*Incident, error) {
	open, err := t.tx.Incidents(t.ctx, IncidentFilter{Open: true})
	if err != nil {
		return nil, err
	}
	now := t.tx.Now()
	for _, inc := range open {
		if inc.Active(now) && inc.Covers(intent) {
			return inc, nil
		}
	}
	return nil, nil
}

// incidentNotice tells the customer of an active incident covering
// intent, instead of its answer or its handoff, and reports whether there
// was one. An incident that names areas is told as covering the customer
// when their message or an address they gave on an earlier ticket names
// one; otherwise the notice names the areas, so that the customer can
// tell.
func (t *turn) incidentNotice(intent string, confidence float64) (bool, error) {
	inc, err := t.coveringIncident(intent)
	if err != nil || inc == nil {
		return false, err
	}
	name := intents.MsgIncidentNotice
	vars := t.vars()
	if len(inc.Areas) > 0 {
		here, err := t.inIncidentArea(inc)
		if err != nil {
			return false, err
		}
		if !here {
			name = intents.MsgIncidentNoticeAreas
			vars["areas"] = strings.Join(inc.Areas, ", ")
		}
	}
	vars["text"] = inc.noticeText(t.lang)
	// An expected end already past would promise what did not happen:
	// the notice then names none.
	if inc.ExpectedEnd.After(t.tx.Now()) {
		vars["until"] = t.e.clockTime(inc.ExpectedEnd, t.tx.Now(), t.e.Location())
	}
	buttons := []string{
		t.set.Messages.Render(intents.MsgButtonIncidentNotify, t.lang, nil),
		t.set.Messages.Render(intents.MsgButtonIncidentPerson, t.lang, nil),
	}
	t.conv.Pending, t.conv.PendingOptions = PendingIncident, []string{strconv.FormatInt(inc.ID, 10), intent}
	if err := t.reply(AuthorBot, t.set.Messages.Render(name, t.lang, vars), buttons, intent, confidence); err != nil {
		return false, err
	}
	return true, t.record(Activity{Kind: ActivityIncidentNotice, Intent: intent, Confidence: confidence, Value: int(inc.ID)})
}

// addressField is the name of a detail (collect:) whose answers say
// where a customer is.
const addressField = "address"

// inIncidentArea reports whether the customer's message, or an address
// they gave before on one of their last tickets, names one of inc's
// areas.
func (t *turn) inIncidentArea(inc *Incident) (bool, error) {
	if MentionsArea(t.in.Text, inc.Areas) {
		return true, nil
	}
	tickets, err := t.tx.Tickets(t.ctx, TicketFilter{ConversationID: t.conv.ID, Limit: 5})
	if err != nil {
		return false, err
	}
	for _, tk := range tickets {
		for _, f := range tk.Fields {
			if f.Name == addressField && MentionsArea(f.Value, inc.Areas) {
				return true, nil
			}
		}
	}
	return false, nil
}

// linkCoveringIncident links the ticket escalate is about to create or
// reopen for intent to the active incident that covers it, if any and
// none was chosen: also when the handoff waited for questions asked
// before it (collect:) after the customer still wanted a person.
func (t *turn) linkCoveringIncident(intent string) error {
	if t.incidentID != 0 || intent == "" {
		return nil
	}
	inc, err := t.coveringIncident(intent)
	if err != nil || inc == nil {
		return err
	}
	t.incidentID = inc.ID
	return nil
}

// pendingIncident returns the incident and intent a notice's options
// name; a nil incident when it is gone.
func (t *turn) pendingIncident(options []string) (*Incident, string, error) {
	if len(options) != 2 {
		return nil, "", nil
	}
	id, err := strconv.ParseInt(options[0], 10, 64)
	if err != nil {
		return nil, "", nil
	}
	inc, err := t.tx.Incident(t.ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, options[1], nil
	}
	return inc, options[1], err
}

// subscribeIncident records that the customer wants to be told when the
// incident of a notice is over, once however often they ask, and
// confirms. When it is over already, they are told so.
func (t *turn) subscribeIncident(options []string) error {
	inc, _, err := t.pendingIncident(options)
	if err != nil {
		return err
	}
	if inc == nil || !inc.ClosedAt.IsZero() {
		text := ""
		if inc != nil {
			text = inc.CloseText[t.lang]
		}
		if text == "" {
			vars := t.vars()
			if inc != nil {
				vars["text"] = inc.noticeText(t.lang)
			}
			text = t.set.Messages.Render(intents.MsgIncidentClosed, t.lang, vars)
		}
		return t.reply(AuthorBot, text, nil, "", 0)
	}
	if _, err := t.tx.SubscribeIncident(t.ctx, inc.ID, t.conv.ID); err != nil {
		return err
	}
	return t.say(intents.MsgIncidentSubscribed, nil)
}

// incidentPerson hands the customer who still wants a person after an
// incident notice to one, as /human does; the ticket is linked to the
// incident while it is open. An escalating intent with questions of its
// own (collect:) asks them first, as it would have without the incident:
// the agent needs the contract and the address all the same.
func (t *turn) incidentPerson(options []string) error {
	inc, intent, err := t.pendingIncident(options)
	if err != nil {
		return err
	}
	if inc != nil && inc.ClosedAt.IsZero() {
		t.incidentID = inc.ID
	}
	if in := t.set.Intent(intent); in != nil && in.Escalate && !in.Human && len(in.Collect) > 0 {
		return t.startCollect(in, 0)
	}
	var match kb.Result
	if intent != "" {
		match.Candidates = []kb.Scored{{Intent: intent}}
	}
	return t.escalate(ReasonCustomerAsk, intent, match)
}
