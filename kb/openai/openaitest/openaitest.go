// Package openaitest is a fake OpenAI-compatible chat completions server
// for tests: it reads requests as the real API defines them and answers
// as a test tells it to, fast, slow, failing or with nonsense.
package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Request is what the fake read from one chat completion request.
type Request struct {
	Model      string
	Auth       string // the Authorization header
	System     string // the system message
	User       string // the user message
	SchemaType string // response_format.type
	Strict     bool
	// Enum is the schema's allowed values of "intent": the candidates'
	// ids and "none".
	Enum []string
}

// Reply is how the fake answers one request.
type Reply struct {
	Status  int           // HTTP status; 0 means 200
	Content string        // the assistant message's content
	Delay   time.Duration // wait this long first (or until the client gives up)
	// NoChoices answers 200 with an empty choices list.
	NoChoices bool
}

// Choose is a Reply with the model choosing intent id ("none" for none).
func Choose(id string) Reply {
	return Reply{Content: fmt.Sprintf(`{"intent":%q}`, id)}
}

// Server is the fake. Its URL is the base URL a client is configured with
// (ending in /v1).
type Server struct {
	URL string

	srv      *httptest.Server
	mu       sync.Mutex
	answer   func(Request) Reply
	requests []Request
}

// NewServer starts a fake that answers every request with answer.
func NewServer(answer func(Request) Reply) *Server {
	s := &Server{answer: answer}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.completions)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// SetAnswer changes how the fake answers from now on.
func (s *Server) SetAnswer(answer func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = answer
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// wireRequest is the part of the API's request body the fake reads.
type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string `json:"name"`
			Strict bool   `json:"strict"`
			Schema struct {
				Properties struct {
					Intent struct {
						Enum []string `json:"enum"`
					} `json:"intent"`
				} `json:"properties"`
			} `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var body wireRequest
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	req := Request{Model: body.Model, Auth: r.Header.Get("Authorization")}
	for _, m := range body.Messages {
		switch m.Role {
		case "system":
			req.System = m.Content
		case "user":
			req.User = m.Content
		}
	}
	if rf := body.ResponseFormat; rf != nil {
		req.SchemaType = rf.Type
		if rf.JSONSchema != nil {
			req.Strict = rf.JSONSchema.Strict
			req.Enum = rf.JSONSchema.Schema.Properties.Intent.Enum
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	answer := s.answer
	s.mu.Unlock()

	reply := answer(req)
	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		apiError(w, reply.Status, "the fake was told to fail")
		return
	}
	choices := []map[string]any{{
		"index":         0,
		"message":       map[string]any{"role": "assistant", "content": reply.Content},
		"finish_reason": "stop",
	}}
	if reply.NoChoices {
		choices = []map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id":      "chatcmpl-fake",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   body.Model,
		"choices": choices,
		"usage":   map[string]int{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
	})
}

// apiError answers with the API's error shape.
func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": "server_error", "code": nil},
	})
}
