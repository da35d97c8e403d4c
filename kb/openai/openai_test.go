package openai_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/kb"
	"github.com/firstline-support/firstline/kb/openai"
	"github.com/firstline-support/firstline/kb/openai/openaitest"
)

var question = kb.Question{
	Text: "how much do I owe",
	Lang: "en",
	Candidates: []kb.Choice{
		{Intent: "billing_balance", Title: "Balance", Description: "The customer's balance and debt.", Examples: []string{"what is my balance"}},
		{Intent: "tariff_list", Title: "Tariffs", Examples: []string{"what plans do you have"}},
	},
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		reply   openaitest.Reply
		want    string
		timeout bool
		fails   bool
	}{
		{name: "a candidate", reply: openaitest.Choose("billing_balance"), want: "billing_balance"},
		{name: "none", reply: openaitest.Choose("none")},
		{name: "slow", reply: openaitest.Reply{Content: `{"intent":"billing_balance"}`, Delay: 2 * time.Second}, timeout: true},
		{name: "server error", reply: openaitest.Reply{Status: http.StatusInternalServerError}, fails: true},
		{name: "rate limited", reply: openaitest.Reply{Status: http.StatusTooManyRequests}, fails: true},
		{name: "not JSON", reply: openaitest.Reply{Content: "I think it is about the balance."}, fails: true},
		{name: "not a candidate", reply: openaitest.Choose("weather"), fails: true},
		{name: "empty intent", reply: openaitest.Choose(""), fails: true},
		{name: "no choices", reply: openaitest.Reply{NoChoices: true}, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.NewServer(func(openaitest.Request) openaitest.Reply { return tt.reply })
			defer srv.Close()
			var outcomes []string
			c, err := openai.New(openai.Config{
				BaseURL: srv.URL, Model: "test-model", APIKey: "secret",
				Observe: func(outcome string, d time.Duration) { outcomes = append(outcomes, outcome) },
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			got, err := c.Classify(ctx, question)

			if len(outcomes) != 1 {
				t.Fatalf("observed %v; want one call", outcomes)
			}
			switch {
			case tt.timeout:
				if !errors.Is(err, context.DeadlineExceeded) || outcomes[0] != kb.OutcomeTimeout {
					t.Fatalf("err = %v, outcome %s; want a timeout", err, outcomes[0])
				}
			case tt.fails:
				if err == nil || errors.Is(err, context.DeadlineExceeded) || outcomes[0] != kb.OutcomeError {
					t.Fatalf("err = %v, outcome %s; want a failure", err, outcomes[0])
				}
			case err != nil:
				t.Fatalf("Classify: %v", err)
			case got != tt.want:
				t.Fatalf("Classify = %q, want %q", got, tt.want)
			case tt.want == "" && outcomes[0] != kb.OutcomeNone:
				t.Fatalf("outcome %s; want none", outcomes[0])
			case tt.want != "" && outcomes[0] != kb.OutcomeChosen:
				t.Fatalf("outcome %s; want chosen", outcomes[0])
			}
		})
	}
}

func TestClassifyRequest(t *testing.T) {
	srv := openaitest.NewServer(func(openaitest.Request) openaitest.Reply { return openaitest.Choose("tariff_list") })
	defer srv.Close()
	c, err := openai.New(openai.Config{BaseURL: srv.URL + "/", Model: "small-model", APIKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Classify(ctx, question); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Model != "small-model" || r.Auth != "Bearer secret" {
		t.Errorf("model %q, auth %q", r.Model, r.Auth)
	}
	if r.SchemaType != "json_schema" || !r.Strict {
		t.Errorf("response format %q strict %v, want a strict json_schema", r.SchemaType, r.Strict)
	}
	if want := []string{"billing_balance", "tariff_list", "none"}; !slices.Equal(r.Enum, want) {
		t.Errorf("schema enum %v, want %v", r.Enum, want)
	}
	for _, s := range []string{"how much do I owe", "billing_balance", "The customer's balance and debt.", `"what plans do you have"`, "Tariffs"} {
		if !strings.Contains(r.User, s) {
			t.Errorf("user message lacks %q:\n%s", s, r.User)
		}
	}
	if !strings.Contains(r.System, `"none"`) {
		t.Errorf("system message does not offer none:\n%s", r.System)
	}
}

func TestNewNeedsURLAndModel(t *testing.T) {
	if _, err := openai.New(openai.Config{Model: "m"}); err == nil {
		t.Error("no base URL: no error")
	}
	if _, err := openai.New(openai.Config{BaseURL: "http://127.0.0.1:1/v1"}); err == nil {
		t.Error("no model: no error")
	}
}
