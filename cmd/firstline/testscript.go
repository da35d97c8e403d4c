package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// scriptResult is the outcome of a test that answers the questions asked
// before a handoff (intents.TestCase.Scripted).
type scriptResult struct {
	Case    intents.TestCase
	Problem string // "" when the test passed
}

// runScripts runs the tests of k that answer the questions before a
// handoff through the engine, with s's configuration but no language
// model, in a throwaway database: a test must not leave tickets in the
// real one. Each test is a customer of its own.
func runScripts(ctx context.Context, s *settings, k *kb.KB) ([]scriptResult, error) {
	var cases []intents.TestCase
	for _, c := range k.Set().Tests {
		if c.Scripted() {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil, nil
	}
	tmp, err := os.MkdirTemp("", "firstline-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	own := *s
	own.DataDir, own.Database.URL = tmp, ""
	log := slog.New(slog.DiscardHandler)
	store, err := openStore(ctx, &own, log)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	cfg := s.engineConfig()
	cfg.SecondOpinion, cfg.Observer = nil, nil
	engine := dialog.NewEngine(store, kb.NewHolder(k), nil, cfg, log)
	out := make([]scriptResult, 0, len(cases))
	for i, c := range cases {
		problem, err := runScript(ctx, engine, "test-"+strconv.Itoa(i), c)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", c.Pos.File, c.Pos.Line, err)
		}
		out = append(out, scriptResult{Case: c, Problem: problem})
	}
	return out, nil
}

// runScript sends the test's message and answers as the customer of chat
// and says what went otherwise than the test expects: the ticket created
// before the answers ran out, none after them, or a field not as
// expected; "" when all went as expected.
func runScript(ctx context.Context, engine *dialog.Engine, chat string, c intents.TestCase) (string, error) {
	send := func(n int, text string) (*dialog.Outcome, error) {
		return engine.Handle(ctx, dialog.Inbound{Channel: "test", ChatID: chat, ExternalID: strconv.Itoa(n), Text: text})
	}
	out, err := send(0, c.Message)
	if err != nil {
		return "", err
	}
	for i, a := range c.Answers {
		if out.Ticket != nil {
			return fmt.Sprintf("the ticket was created before answer %d (%q): the bot asked fewer questions", i+1, a), nil
		}
		if out, err = send(i+1, a); err != nil {
			return "", err
		}
	}
	if out.Ticket == nil {
		last := ""
		if n := len(out.Replies); n > 0 {
			last = out.Replies[n-1].Text
		}
		return fmt.Sprintf("no ticket after the last answer; the bot said %q", last), nil
	}
	tk, err := engine.Store().Ticket(ctx, out.Ticket.ID)
	if err != nil {
		return "", err
	}
	var problems []string
	for _, want := range c.Fields {
		got, found := "", false
		for _, f := range tk.Fields {
			if f.Name == want.Name {
				got, found = f.Value, true
			}
		}
		switch {
		case !found:
			problems = append(problems, fmt.Sprintf("field %s was not asked, want %q", want.Name, want.Value))
		case got != want.Value:
			problems = append(problems, fmt.Sprintf("field %s = %q, want %q", want.Name, got, want.Value))
		}
	}
	return strings.Join(problems, "; "), nil
}
