package webchat_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestPostRefusesMalformedBodies checks that every body the page would
// never send gets a 400 with a JSON error naming the problem, and that
// none of them starts a conversation.
func TestPostRefusesMalformedBodies(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(engine, webchat.Options{Title: "Support"}, log).Routes(r)

	const ok = `{"session":"s1","message_id":"1","text":"hello"}`
	tests := []struct {
		name, body, problem string
	}{
		{"trailing brace", ok + `}`, "data after the object"},
		{"trailing bracket", ok + `]`, "data after the object"},
		{"a second object", ok + ` {}`, "data after the object"},
		{"trailing word", ok + ` x`, "data after the object"},
		{"key in another case", `{"SESSION":"s1","message_id":"1","text":"hello"}`, `unknown field "SESSION"`},
		{"key with a capital", `{"session":"s1","message_id":"1","Text":"hello"}`, `unknown field "Text"`},
		{"duplicate key", `{"session":"s1","message_id":"1","text":"hello","text":"bye"}`, `"text" appears more than once`},
		{"duplicate session", `{"session":"s1","session":"s1","message_id":"1","text":"hello"}`, `"session" appears more than once`},
		{"unknown key", `{"session":"s1","message_id":"1","text":"hello","admin":"yes"}`, `unknown field "admin"`},
		{"number value", `{"session":"s1","message_id":1,"text":"hello"}`, `"message_id" must be a string`},
		{"null value", `{"session":"s1","message_id":"1","text":null}`, `"text" must be a string`},
		{"object value", `{"session":"s1","message_id":"1","text":{"a":"b"}}`, `"text" must be a string`},
		{"an array", `[` + ok + `]`, "must be a JSON object"},
		{"a string", `"hello"`, "must be a JSON object"},
		{"empty", ``, "empty body"},
		{"cut short", `{"session":"s1","message_id":"1"`, "ends too early"},
		{"zero-width space", "{\"session\":\"s1\",\"message_id\":\"1\",\"text\":\"\u200b\"}", "invisible"},
		{"zero-width spaces, escaped", `{"session":"s1","message_id":"1","text":"\u200b\u200B"}`, "invisible"},
		{"word joiner", `{"session":"s1","message_id":"1","text":"\u2060"}`, "invisible"},
		{"soft hyphen", "{\"session\":\"s1\",\"message_id\":\"1\",\"text\":\"\u00ad\"}", "invisible"},
		{"right-to-left override", `{"session":"s1","message_id":"1","text":"\u202e"}`, "invisible"},
		{"byte order mark", "{\"session\":\"s1\",\"message_id\":\"1\",\"text\":\" \ufeff \"}", "invisible"},
		{"only spaces", `{"session":"s1","message_id":"1","text":"   "}`, "empty"},
		{"NUL in text", `{"session":"s1","message_id":"1","text":"a\u0000b"}`, "control character U+0000"},
		{"escape character in text", `{"session":"s1","message_id":"1","text":"a\u001bb"}`, "control character U+001B"},
		{"NUL in name", `{"session":"s1","message_id":"1","text":"hi","name":"Ann\u0000"}`, "name contains the control character U+0000"},
		{"invisible name", `{"session":"s1","message_id":"1","text":"hi","name":"\u200b"}`, "name has only invisible characters"},
		{"invalid UTF-8 in text", "{\"session\":\"s1\",\"message_id\":\"1\",\"text\":\"\xc3\x28\"}", "not valid UTF-8"},
		{"invalid UTF-8 in name", "{\"session\":\"s1\",\"message_id\":\"1\",\"text\":\"hi\",\"name\":\"\xff\"}", "not valid UTF-8"},
		{"lone high surrogate", `{"session":"s1","message_id":"1","text":"a\ud800b"}`, "unpaired surrogate"},
		{"lone low surrogate", `{"session":"s1","message_id":"1","text":"hi","name":"\udc00"}`, "unpaired surrogate"},
		{"reversed surrogates", `{"session":"s1","message_id":"1","text":"\udc00\ud800"}`, "unpaired surrogate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/webchat/messages", strings.NewReader(tt.body)))
			var out struct{ Error, Code string }
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400 with a JSON error", w.Code, w.Body)
			}
			if out.Code != dialog.EINVALID || !strings.Contains(out.Error, tt.problem) {
				t.Errorf("error %q (%s), want one naming %q", out.Error, out.Code, tt.problem)
			}
		})
	}
	if _, err := engine.Store().ConversationByChat(t.Context(), webchat.ChannelName, "s1"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("a refused body started a conversation: %v", err)
	}

	// What the page sends is still answered: escapes, a pair of surrogates,
	// keys in any order, white space around the object.
	for _, body := range []string{
		" \n" + ok + "\r\n\t",
		`{"text":"\u00e9t\u00e9 \ud83d\ude00","name":"Ann","message_id":"2","session":"s2"}`,
		`{"session":"s2","message_id":"3","text":"a\\u0000 and \\ud800 are text when the backslash is escaped"}`,
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/webchat/messages", strings.NewReader(body)))
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", body, w.Code, w.Body)
		}
	}
}
