package dialog

import (
	"slices"
	"strings"

	"github.com/firstline-support/firstline/intents"
)

// TeamNotice has a line about each new ticket of some priorities sent to
// the team's chat (a Telegram group), through the outbox the customers'
// messages go through: it is queued in the transaction that creates the
// ticket, so it is sent once, whatever crashes or restarts in between, and
// never if the ticket was not created.
type TeamNotice struct {
	// Channel is the push channel the chat is in ("telegram"); ChatID is
	// the chat's id there.
	Channel string
	ChatID  string
	// Priorities are the priorities whose new tickets are told.
	Priorities []string
	// PanelURL is where agents open the panel, e.g.
	// "https://support.example.com"; the line links to the ticket there.
	// "" leaves the link out.
	PanelURL string
}

// teamWordsLength is how much of the customer's words a team line quotes.
const teamWordsLength = 100

// defaultTeamQueueNames are the default queues' names in a team line, for
// queues Config.QueueNames leaves unnamed: agents' words, not customers'.
var defaultTeamQueueNames = map[string]map[string]string{
	"first_line":  {intents.LangRU: "Первая линия", intents.LangEN: "First line"},
	"second_line": {intents.LangRU: "Вторая линия", intents.LangEN: "Second line"},
	"third_line":  {intents.LangRU: "Третья линия", intents.LangEN: "Third line"},
}

// teamPriorityNames are the priorities' names in a team line, by
// language; English ones are the ids.
var teamPriorityNames = map[string]map[string]string{
	intents.LangRU: {
		intents.PriorityUrgent: "срочный",
		intents.PriorityHigh:   "высокий",
		intents.PriorityNormal: "обычный",
		intents.PriorityLow:    "низкий",
	},
}

// teamPriorityName is a priority's name in a team line, in the default
// language.
func (e *Engine) teamPriorityName(p string) string {
	if s := teamPriorityNames[e.cfg.DefaultLanguage][p]; s != "" {
		return s
	}
	return p
}

// teamQueueName is a queue's name in a team line, in the default language.
func (e *Engine) teamQueueName(queue string) string {
	lang := e.cfg.DefaultLanguage
	if s := e.cfg.QueueNames[queue][lang]; s != "" {
		return s
	}
	if s := defaultTeamQueueNames[queue][lang]; s != "" {
		return s
	}
	return e.queueName(queue, lang)
}

// TeamLine is the line a team chat gets about ticket t, whose customer
// wrote words: "FL-000123 · urgent · Second line · words · link", in the
// default language (Config.DefaultLanguage). It is
// plain text, sent without any markup mode, so whatever the customer wrote
// shows as written; Shorten keeps it on one line, so that it cannot pass
// for a line of its own.
func (e *Engine) TeamLine(t *Ticket, words string) string {
	parts := []string{t.Number, e.teamPriorityName(t.Priority), e.teamQueueName(t.Queue)}
	if w := Shorten(words, teamWordsLength); w != "" {
		parts = append(parts, w)
	}
	if n := e.cfg.TeamNotice; n != nil && n.PanelURL != "" {
		parts = append(parts, strings.TrimRight(n.PanelURL, "/")+"/panel/tickets/"+t.Number)
	}
	return strings.Join(parts, " · ")
}

// queueTeamLine queues the team chat's line about t, a ticket the turn
// just created, when its priority is one the team hears about. The item
// goes with the customer's message that escalated (the outbox keeps
// every item with a message), but it is no message of the conversation:
// it is in no transcript and no analytics, and it goes to the team's chat
// only.
func (t *turn) queueTeamLine(tk *Ticket) error {
	n := t.e.cfg.TeamNotice
	if n == nil || n.ChatID == "" || !slices.Contains(n.Priorities, tk.Priority) {
		return nil
	}
	words, err := t.customerWords()
	if err != nil {
		return err
	}
	return t.tx.EnqueueOutbox(t.ctx, &OutboxItem{
		MessageID:      t.in.ID,
		ConversationID: t.conv.ID,
		Channel:        n.Channel,
		ChatID:         n.ChatID,
		Text:           t.e.TeamLine(tk, words),
		NextAttemptAt:  t.tx.Now(),
	})
}
