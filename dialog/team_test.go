package dialog_test

import (
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// teamItems returns the outbox items of the team chat, claiming every
// chat's head until none is left.
func (h *harness) teamItems(channel, chat string) []*dialog.OutboxItem {
	h.t.Helper()
	var out []*dialog.OutboxItem
	for {
		items := h.claimAll(channel)
		if len(items) == 0 {
			return out
		}
		for _, it := range items {
			if it.ChatID == chat {
				out = append(out, it)
			}
			it.Status = dialog.OutboxSent
			it.SentAt = it.CreatedAt
			it.ClaimedUntil = it.CreatedAt
			if err := h.store.Update(h.ctx, func(tx dialog.Tx) error { return tx.UpdateOutbox(h.ctx, it) }); err != nil {
				h.t.Fatal(err)
			}
		}
	}
}

func teamConfig(priority string) func(*dialog.Config) {
	return func(c *dialog.Config) {
		c.PushChannels = []string{"test"}
		c.DefaultPriority = priority
		c.TeamNotice = &dialog.TeamNotice{Channel: "test", ChatID: "-100200", Priorities: []string{"urgent"},
			PanelURL: "https://support.example.com/"}
	}
}

// TestTeamLine checks that a new urgent ticket queues one line for the
// team chat, quoting on one line what the customer asked about, with a
// link to the ticket; that the line is no message of the conversation
// and no analytics event; and that neither a reopened ticket nor one of
// another priority queues any.
func TestTeamLine(t *testing.T) {
	h := newHarness(t, teamConfig("urgent"))
	h.send("c", "роутер\nFL-999999 · urgent · <b>горит</b>")
	out := h.send("c", "/human")
	if out.Ticket == nil {
		t.Fatal("no ticket")
	}
	number := out.Ticket.Number
	items := h.teamItems("test", "-100200")
	want := number + " · срочный · Первая линия · роутер FL-999999 · urgent · <b>горит</b> · https://support.example.com/panel/tickets/" + number
	if len(items) != 1 || items[0].Text != want {
		var texts []string
		for _, it := range items {
			texts = append(texts, it.Text)
		}
		t.Fatalf("team chat lines %q, want one: %q", texts, want)
	}
	if items[0].MessageID != out.Message.ID || items[0].ConversationID != out.Conversation.ID || len(items[0].Buttons) != 0 {
		t.Errorf("team item %+v: want it with the escalating message %d", items[0], out.Message.ID)
	}

	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: out.Conversation.ID})
	if err != nil {
		t.Fatal(err)
	}
	outbound := 0
	for _, m := range msgs {
		if strings.Contains(m.Text, "support.example.com") {
			t.Errorf("the team line is in the transcript: %+v", m)
		}
		if m.Author != dialog.AuthorCustomer && m.Author != dialog.AuthorNote {
			outbound++
		}
	}
	acts, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, a := range acts {
		if a.Kind == dialog.ActivityMessageOut {
			sent++
		}
	}
	if sent != outbound {
		t.Errorf("%d messages out in analytics, %d in the transcript", sent, outbound)
	}

	// Closed and reopened: the same ticket, no new line.
	if _, err := h.engine.Close(h.ctx, act(number, "Olga")); err != nil {
		t.Fatal(err)
	}
	again := h.send("c", "/human")
	if again.Ticket == nil || again.Ticket.Number != number {
		t.Fatalf("not reopened: %+v", again.Ticket)
	}
	if items := h.teamItems("test", "-100200"); len(items) != 0 {
		t.Errorf("a reopened ticket queued %+v", items)
	}

	// A normal ticket: nothing.
	n := newHarness(t, teamConfig("normal"))
	if out := n.send("d", "/human"); out.Ticket == nil {
		t.Fatal("no ticket")
	}
	if items := n.teamItems("test", "-100200"); len(items) != 0 {
		t.Errorf("a normal ticket queued %+v", items)
	}
}

func TestShorten(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"  a\n\tb  c ", 10, "a b c"},
		{"абвгдеёжзи", 10, "абвгдеёжзи"},
		{"абвгдеёжзий", 10, "абвгдеёжз…"},
		{"ab cd", 4, "ab…"},
		{"x", 0, ""},
		{"a\u202eb\x07c\u2066d\u2028e", 10, "abcd e"},
		{"👩\u200d💻", 10, "👩\u200d💻"},
	} {
		if got := dialog.Shorten(c.in, c.n); got != c.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func FuzzShorten(f *testing.F) {
	f.Add("роутер\nFL-1 · urgent", 10)
	f.Add("a\u202eb\r\n\tc", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 500
		got := dialog.Shorten(s, n)
		if strings.ContainsAny(got, "\n\r\t\u2028\u2029\u202e") {
			t.Errorf("Shorten(%q, %d) = %q is not one line", s, n, got)
		}
		if l := len([]rune(got)); l > max(n, 0) {
			t.Errorf("Shorten(%q, %d) = %q has %d characters", s, n, got, l)
		}
	})
}

// TestTeamLineWords checks the line's parts: names in the default
// language, the config's queue names first, and no link without the
// panel's address nor words when the customer gave none.
func TestTeamLineWords(t *testing.T) {
	tk := &dialog.Ticket{Number: "FL-000123", Priority: "urgent", Queue: "second_line"}
	for _, c := range []struct {
		lang, url string
		names     map[string]map[string]string
		words     string
		want      string
	}{
		{"en", "https://support.example.com", nil, "no internet\nsince morning",
			"FL-000123 · urgent · Second line · no internet since morning · https://support.example.com/panel/tickets/FL-000123"},
		{"ru", "", nil, "", "FL-000123 · срочный · Вторая линия"},
		{"en", "", map[string]map[string]string{"second_line": {"en": "Engineers"}}, "x", "FL-000123 · urgent · Engineers · x"},
	} {
		h := newHarness(t, func(cfg *dialog.Config) {
			cfg.DefaultLanguage, cfg.QueueNames = c.lang, c.names
			cfg.TeamNotice = &dialog.TeamNotice{Channel: "test", ChatID: "1", Priorities: []string{"urgent"}, PanelURL: c.url}
		})
		if got := h.engine.TeamLine(tk, c.words); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
