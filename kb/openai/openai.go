// Package openai is a kb.Classifier backed by any server that speaks the
// OpenAI chat completions API: OpenAI itself, a local Ollama or vLLM, ...
// It asks the model to pick one of the knowledge base's candidates for a
// message, or none, and constrains the reply with a JSON schema.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// None is the model's answer when no candidate fits; no intent has it as
// its id.
const None = intents.NoIntent

// Config configures a Classifier.
type Config struct {
	BaseURL string // e.g. https://api.openai.com/v1 or http://localhost:11434/v1
	Model   string
	APIKey  string // may be empty for local servers
	// HTTPClient, when set, makes the requests; deadlines come from the
	// caller's context either way.
	HTTPClient *http.Client
	// Observe, when set, is told the outcome (kb.OutcomeChosen, ...) and
	// duration of every call, for metrics.
	Observe func(outcome string, d time.Duration)
	Logger  *slog.Logger
}

// Classifier asks a chat model which candidate intent a message is about.
// It is safe for concurrent use.
type Classifier struct {
	client  *goopenai.Client
	model   string
	observe func(string, time.Duration)
	log     *slog.Logger
}

// New returns a Classifier for cfg.
func New(cfg Config) (*Classifier, error) {
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("llm: base_url is required")
	}
	if cfg.Model == "" {
		return nil, fmt.Errorf("llm: model is required")
	}
	c := goopenai.DefaultConfig(cfg.APIKey)
	c.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient != nil {
		c.HTTPClient = cfg.HTTPClient
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Classifier{client: goopenai.NewClientWithConfig(c), model: cfg.Model, observe: cfg.Observe, log: log}, nil
}

// Classify asks the model which of q's candidates q.Text is about. It
// returns "" for none; an answer that is not a candidate is an error. The
// caller's context must carry a deadline: the client has none of its own.
func (c *Classifier) Classify(ctx context.Context, q kb.Question) (string, error) {
	start := time.Now()
	id, err := c.classify(ctx, q)
	d := time.Since(start)

	outcome := kb.OutcomeChosen
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		outcome = kb.OutcomeTimeout
		err = fmt.Errorf("llm %s: %w", c.model, context.DeadlineExceeded)
	case err != nil:
		outcome = kb.OutcomeError
		err = fmt.Errorf("llm %s: %w", c.model, err)
	case id == "":
		outcome = kb.OutcomeNone
	}
	if c.observe != nil {
		c.observe(outcome, d)
	}
	if err != nil {
		c.log.Warn("llm classify", "outcome", outcome, "ms", d.Milliseconds(), "candidates", len(q.Candidates), "err", err)
		return "", err
	}
	c.log.Info("llm classify", "outcome", outcome, "intent", id, "ms", d.Milliseconds(), "candidates", len(q.Candidates))
	return id, nil
}

// classify makes the request and reads the answer.
func (c *Classifier) classify(ctx context.Context, q kb.Question) (string, error) {
	if len(q.Candidates) == 0 {
		return "", errors.New("no candidates to choose from")
	}
	schema, err := answerSchema(q)
	if err != nil {
		return "", err
	}
	resp, err := c.client.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
		Model:       c.model,
		Temperature: 0,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: goopenai.ChatMessageRoleUser, Content: userPrompt(q)},
		},
		ResponseFormat: &goopenai.ChatCompletionResponseFormat{
			Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{
				Name:   "intent_choice",
				Schema: schema,
				Strict: true,
			},
		},
	})
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("the reply has no choices")
	}
	return parseAnswer(resp.Choices[0].Message.Content, q)
}

// answer is the JSON object the model must reply with.
type answer struct {
	Intent string `json:"intent"`
}

// parseAnswer reads the model's reply: an intent id among q's candidates,
// or None.
func parseAnswer(content string, q kb.Question) (string, error) {
	content = strings.TrimSpace(content)
	var a answer
	if err := json.Unmarshal([]byte(content), &a); err != nil {
		return "", fmt.Errorf("the reply is not the JSON asked for: %.80q", content)
	}
	if a.Intent == None {
		return "", nil
	}
	for _, cand := range q.Candidates {
		if cand.Intent == a.Intent {
			return a.Intent, nil
		}
	}
	return "", fmt.Errorf("the reply names %q, which is not a candidate", a.Intent)
}

// answerSchema is the JSON schema of the reply: one of the candidates'
// ids, or "none".
func answerSchema(q kb.Question) (json.RawMessage, error) {
	ids := make([]string, 0, len(q.Candidates)+1)
	for _, cand := range q.Candidates {
		ids = append(ids, cand.Intent)
	}
	ids = append(ids, None)
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"intent": map[string]any{"type": "string", "enum": ids},
		},
		"required":             []string{"intent"},
		"additionalProperties": false,
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("answer schema: %w", err)
	}
	return raw, nil
}

const systemPrompt = `You route messages that customers send to a company's support chat. ` +
	`You are given one message and a numbered list of candidate intents, each with an id, a title, ` +
	`a description and example messages. Reply with the id of the one intent the message is about. ` +
	`If the message is about none of them, or you are not sure, reply with "none": ` +
	`the customer is then asked to choose, which is better than a wrong answer. ` +
	`Reply only with a JSON object {"intent": "<id or none>"}.`

// userPrompt lays out the message and the candidates.
func userPrompt(q kb.Question) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Message (language %s):\n%s\n\nCandidate intents:\n", q.Lang, q.Text)
	for i, cand := range q.Candidates {
		fmt.Fprintf(&b, "%d. id: %s\n   title: %s\n", i+1, cand.Intent, cand.Title)
		if cand.Description != "" {
			fmt.Fprintf(&b, "   description: %s\n", cand.Description)
		}
		if len(cand.Examples) > 0 {
			quoted := make([]string, len(cand.Examples))
			for j, ex := range cand.Examples {
				quoted[j] = fmt.Sprintf("%q", ex)
			}
			fmt.Fprintf(&b, "   examples: %s\n", strings.Join(quoted, "; "))
		}
	}
	return b.String()
}
