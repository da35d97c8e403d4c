package dialog_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/kb"
	"github.com/firstline-support/firstline/kb/openai"
	"github.com/firstline-support/firstline/kb/openai/openaitest"
)

// withLLM asks the OpenAI-compatible server at url about the messages the
// matcher would ask to clarify, waiting at most 300 ms.
func withLLM(t *testing.T, url string) func(*dialog.Config) {
	c, err := openai.New(openai.Config{BaseURL: url, Model: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return func(cfg *dialog.Config) {
		cfg.SecondOpinion = &kb.SecondOpinion{Classifier: c, Timeout: 300 * time.Millisecond}
	}
}

// "как настроить" is about the router or the TV: the matcher asks which.
const ambiguous = "как настроить"

func TestSecondOpinionChooses(t *testing.T) {
	llm := openaitest.NewServer(func(r openaitest.Request) openaitest.Reply {
		if slices.Contains(r.Enum, "setup_tv") {
			return openaitest.Choose("setup_tv")
		}
		return openaitest.Choose("none")
	})
	defer llm.Close()
	h := newHarness(t, withLLM(t, llm.URL))

	out := h.send("c", ambiguous)
	if op := out.Match.Opinion; op == nil || !op.Used || op.Intent != "setup_tv" {
		t.Fatalf("opinion = %+v, want setup_tv used", op)
	}
	h.expect(out, dialog.StateBot, "Инструкция по настройке ТВ")
	if out.Replies[0].Intent != "setup_tv" || out.Replies[0].Confidence != out.Match.ConfidenceOf("setup_tv") {
		t.Errorf("reply intent %q confidence %v, want setup_tv with the matcher's confidence %v",
			out.Replies[0].Intent, out.Replies[0].Confidence, out.Match.ConfidenceOf("setup_tv"))
	}
	if n := len(llm.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A model that says none of the candidates fit leaves the customer the
// question: the options and a person, one tap away, rather than a request
// to say it all again.
func TestSecondOpinionNone(t *testing.T) {
	llm := openaitest.NewServer(func(openaitest.Request) openaitest.Reply { return openaitest.Choose("none") })
	defer llm.Close()
	h := newHarness(t, withLLM(t, llm.URL))

	out := h.send("c", ambiguous)
	if op := out.Match.Opinion; op == nil || !op.Used || op.Intent != "" {
		t.Fatalf("opinion = %+v, want none, used", op)
	}
	if out.Match.Decision != kb.DecisionClarify || out.Conversation.Pending != dialog.PendingClarify {
		t.Fatalf("decision %s pending %q, want the question asked", out.Match.Decision, out.Conversation.Pending)
	}
	want := []string{"Настройка роутера", "Настройка телевидения", "Позвать оператора"}
	if len(out.Replies) != 1 || !slices.Equal(out.Replies[0].Buttons, want) {
		t.Errorf("replies %+v, want the question with buttons %q", out.Replies, want)
	}
	h.expect(h.send("c", "2"), dialog.StateBot, "Инструкция по настройке ТВ")
}

// A model that is slow, down or talks nonsense changes nothing: the bot
// does what it would do without one.
func TestSecondOpinionFallsBack(t *testing.T) {
	plain := newHarness(t).send("c", ambiguous)
	if plain.Match.Decision != kb.DecisionClarify {
		t.Fatalf("without a model: decision %s, want clarify", plain.Match.Decision)
	}
	for name, reply := range map[string]openaitest.Reply{
		"slow":            {Content: `{"intent":"setup_tv"}`, Delay: 3 * time.Second},
		"failing":         {Status: http.StatusInternalServerError},
		"nonsense":        {Content: "the router, probably"},
		"not a candidate": openaitest.Choose("opening_hours"),
	} {
		t.Run(name, func(t *testing.T) {
			llm := openaitest.NewServer(func(openaitest.Request) openaitest.Reply { return reply })
			defer llm.Close()
			h := newHarness(t, withLLM(t, llm.URL))

			out := h.send("c", ambiguous)
			if op := out.Match.Opinion; op == nil || op.Used || op.Err == "" {
				t.Fatalf("opinion = %+v, want one asked, not used, with the reason", op)
			}
			if out.Match.Decision != plain.Match.Decision || out.Conversation.Pending != dialog.PendingClarify {
				t.Errorf("decision %s pending %q, want the matcher's clarify", out.Match.Decision, out.Conversation.Pending)
			}
			if !slices.Equal(out.Conversation.PendingOptions, plain.Conversation.PendingOptions) {
				t.Errorf("options %v, want %v", out.Conversation.PendingOptions, plain.Conversation.PendingOptions)
			}
		})
	}
}

// The model is asked about the messages the matcher would ask to clarify
// and no others: not one it answers, one nothing matches, one about two
// things, nor one to a conversation an agent handles.
func TestSecondOpinionNotAsked(t *testing.T) {
	llm := openaitest.NewServer(func(openaitest.Request) openaitest.Reply { return openaitest.Choose("none") })
	defer llm.Close()
	h := newHarness(t, withLLM(t, llm.URL))

	h.expect(h.send("a", "как сбросить пароль"), dialog.StateBot, "сбросить пароль")
	// Hopeless, though the matcher has a guess: a word or two shared with
	// an intent's examples, far from all of them.
	for _, text := range []string{"деньги", "помогите с настройкой"} {
		if out := h.send("n-"+text, text); out.Match.Decision != kb.DecisionNone || out.Match.Top().Confidence == 0 {
			t.Errorf("%q: decision %s, top %+v; want none, with some candidate", text, out.Match.Decision, out.Match.Top())
		}
	}
	if out := h.send("m", "настроить роутер и настроить телевидение"); !out.Match.Mixed {
		t.Errorf("not read as about two things: %+v", out.Match)
	}
	h.send("b", dialog.CommandHuman)
	h.expect(h.send("b", ambiguous), dialog.StateQueued)
	if n := len(llm.Requests()); n != 0 {
		t.Errorf("%d requests to the model, want none", n)
	}
	h.send("c", ambiguous)
	if n := len(llm.Requests()); n != 1 {
		t.Errorf("%d requests to the model after a message it should be asked about, want 1", n)
	}
}

// A pick from "A or B?", a person chosen instead, and a redelivered
// message are not sent to the model.
func TestSecondOpinionNotAskedForPicksAndDuplicates(t *testing.T) {
	llm := openaitest.NewServer(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: http.StatusServiceUnavailable}
	})
	defer llm.Close()
	c, err := openai.New(openai.Config{BaseURL: llm.URL, Model: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(cfg *dialog.Config) {
		cfg.SecondOpinion = &kb.SecondOpinion{Classifier: c, Timeout: time.Second}
	})

	in := dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "first", Text: ambiguous}
	out, err := h.engine.Handle(h.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Conversation.Pending != dialog.PendingClarify || len(llm.Requests()) != 1 {
		t.Fatalf("pending %q after %d requests; want clarify after one that failed", out.Conversation.Pending, len(llm.Requests()))
	}
	if _, err := h.engine.Handle(h.ctx, in); err != nil { // redelivered
		t.Fatal(err)
	}
	h.expect(h.send("c", "Настройка роутера"), dialog.StateBot, "Инструкция по настройке роутера")
	h.send("d", ambiguous)
	h.expect(h.send("d", "Позвать оператора"), dialog.StateQueued, "FL-")
	if n := len(llm.Requests()); n != 2 {
		t.Errorf("%d requests to the model, want only the questions'", n)
	}
}
