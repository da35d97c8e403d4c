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
