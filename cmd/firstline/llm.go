package main

import (
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/firstline-support/firstline/kb"
	"github.com/firstline-support/firstline/kb/openai"
)

// secondOpinion builds the language model classifier the settings
// describe, or returns nil when none is configured. observe, when not
// nil, is told of every call, for metrics. Keys of the config that are
// no longer used are warned about, so that whoever set them knows they
// have no effect.
func secondOpinion(l llmSettings, log *slog.Logger, observe func(outcome string, d time.Duration)) (*kb.SecondOpinion, error) {
	if len(l.Ignored()) > 0 {
		log.Warn("config keys no longer used: the language model is asked about the messages the bot would ask to clarify; remove them",
			"keys", strings.Join(l.Ignored(), ", "))
	}
	if !l.Enabled() {
		return nil, nil
	}
	c, err := openai.New(openai.Config{
		BaseURL: l.BaseURL,
		Model:   l.Model,
		APIKey:  l.APIKey,
		Observe: observe,
		Logger:  log.With("component", "llm"),
	})
	if err != nil {
		return nil, err
	}
	where := l.BaseURL
	if u, err := url.Parse(l.BaseURL); err == nil {
		where = u.Redacted() // a password in the URL stays out of the log
	}
	log.Info("llm second opinion on", "url", where, "model", l.Model, "asked", "clarify questions", "timeout", l.Timeout)
	return &kb.SecondOpinion{Classifier: c, Timeout: l.Timeout}, nil
}
