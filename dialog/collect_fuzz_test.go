package dialog_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// FuzzCollectAnswer sends anything as the answer to each question of a
// collection: the engine either refuses it as invalid, changing nothing,
// or takes it, and what it keeps is bounded by MaxFieldLen.
func FuzzCollectAnswer(f *testing.F) {
	for _, seed := range []string{"1234567", "", " ", "Пропустить", "skip", "/human", "Just connect me",
		strings.Repeat("9", 600), "12\x0034", "\xff\xfe", "ул. Ленина, 1", "SKIP", "/status"} {
		f.Add(seed, seed)
	}
	env := dialogtest.New(f, "testdata/collect", dialog.DefaultConfig, broker.New(), nil)
	n := 0
	f.Fuzz(func(t *testing.T, first, second string) {
		n++
		chat := fmt.Sprint("fuzz-", n)
		send := func(text string) (*dialog.Outcome, error) {
			return env.Engine.Handle(t.Context(), dialog.Inbound{Channel: "test", ChatID: chat,
				ExternalID: fmt.Sprint(chat, "-", text), Text: text})
		}
		if _, err := send("не работает интернет"); err != nil {
			t.Fatal(err)
		}
		var last *dialog.Outcome
		for _, text := range []string{first, second} {
			out, err := send(text)
			var e *dialog.Error
			if err != nil && !(errors.As(err, &e) && e.Code == dialog.EINVALID) {
				t.Fatalf("send %q: %v", text, err)
			}
			if out != nil && !out.Duplicate {
				last = out
			}
		}
		if last == nil || last.Ticket == nil {
			return
		}
		tk, err := env.Store.TicketByNumber(t.Context(), last.Ticket.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range tk.Fields {
			if utf8.RuneCountInString(fl.Value) > dialog.MaxFieldLen || !utf8.ValidString(fl.Value) {
				t.Errorf("field %s kept %d characters: %q", fl.Name, utf8.RuneCountInString(fl.Value), fl.Value)
			}
		}
	})
}

// FuzzFieldAnswer sends anything as the answer to a field an agent asked
// for, and as a message that reads like a question during a collection:
// the engine refuses it as invalid or takes it, and a field it keeps is
// valid text no longer than MaxFieldLen.
func FuzzFieldAnswer(f *testing.F) {
	for _, seed := range []string{"1234567", "как оплатить?", "?", "how", " как, ", strings.Repeat("?", 5000),
		strings.Repeat("как ", 1000), "SN\x00", "\xff"} {
		f.Add(seed, seed)
	}
	env := dialogtest.New(f, "testdata/collect", dialog.DefaultConfig, broker.New(), nil)
	n := 0
	f.Fuzz(func(t *testing.T, first, second string) {
		n++
		chat := fmt.Sprint("fuzz-", n)
		send := func(text string) (*dialog.Outcome, error) {
			return env.Engine.Handle(t.Context(), dialog.Inbound{Channel: "test", ChatID: chat, Text: text})
		}
		if _, err := send("не работает интернет"); err != nil {
			t.Fatal(err)
		}
		refused := func(err error) bool {
			var e *dialog.Error
			return errors.As(err, &e) && (e.Code == dialog.EINVALID || e.Code == dialog.ETOOLARGE)
		}
		if _, err := send(first); err != nil && !refused(err) {
			t.Fatalf("send %q: %v", first, err)
		}
		out, err := send("/human")
		if err != nil {
			t.Fatal(err)
		}
		if out.Ticket == nil {
			return // the first message was a command that already handed over
		}
		number := out.Ticket.Number
		if _, err := env.Engine.AskField(t.Context(), dialog.TicketAction{Number: number, Agent: "anna"}, "contract", "Номер договора?"); err != nil {
			t.Fatal(err)
		}
		if _, err := send(second); err != nil && !refused(err) {
			t.Fatalf("send %q: %v", second, err)
		}
		tk, err := env.Store.TicketByNumber(t.Context(), number)
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range tk.Fields {
			if utf8.RuneCountInString(fl.Value) > dialog.MaxFieldLen || !utf8.ValidString(fl.Value) || fl.Value == "" && fl.Name == "contract" {
				t.Errorf("field %s kept %q", fl.Name, fl.Value)
			}
		}
	})
}
