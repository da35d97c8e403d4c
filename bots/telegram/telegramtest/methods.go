package telegramtest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// maxTextLength is Telegram's limit on a message's text, in characters.
const maxTextLength = 4096

// serveHTTP routes /bot<token>/<method> and /file/bot<token>/<path>.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	botPrefix := "/bot" + s.token + "/"
	filePrefix := "/file/bot" + s.token + "/"
	switch {
	case strings.HasPrefix(r.URL.Path, filePrefix):
		s.download(w, r, strings.TrimPrefix(r.URL.Path, filePrefix))
	case strings.HasPrefix(r.URL.Path, botPrefix):
		s.call(w, r, strings.TrimPrefix(r.URL.Path, botPrefix))
	case strings.HasPrefix(r.URL.Path, "/bot"), strings.HasPrefix(r.URL.Path, "/file/bot"):
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
	default:
		writeError(w, http.StatusNotFound, "Not Found", 0)
	}
}

// call serves one Bot API method.
func (s *Server) call(w http.ResponseWriter, r *http.Request, method string) {
	p, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	if f, ok := s.take(method); ok {
		fail(w, f)
		return
	}
	switch method {
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "sendMessage":
		s.sendMessage(w, p)
	case "answerCallbackQuery":
		s.answerCallbackQuery(w, p)
	case "sendChatAction":
		s.sendChatAction(w, p)
	case "setWebhook":
		s.setWebhook(w, p)
	case "deleteWebhook":
		s.deleteWebhook(w, p)
	case "getFile":
		s.getFile(w, p)
	default:
		writeError(w, http.StatusNotFound, "Not Found: method not found", 0)
	}
}

// getUpdates confirms the updates below offset, then answers with the
// waiting ones, waiting up to timeout seconds for one to be pushed.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p["timeout"])
	limit, err := strconv.Atoi(p["limit"])
	if err != nil || limit < 1 || limit > 100 {
		limit = 100
	}

	s.mu.Lock()
	if s.webhook.URL != "" {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
		return
	}
	s.offsets = append(s.offsets, offset)
	if offset > 0 {
		s.queue = slices.DeleteFunc(s.queue, func(q queued) bool { return q.id < offset })
	}
	s.notify()
	s.mu.Unlock()

	wait := time.NewTimer(time.Duration(timeout) * time.Second)
	defer wait.Stop()
	for {
		s.mu.Lock()
		var batch []json.RawMessage
		for _, q := range s.queue {
			if q.id >= offset && len(batch) < limit {
				batch = append(batch, q.raw)
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 {
			writeResult(w, batch)
			return
		}
		select {
		case <-changed:
		case <-wait.C:
			writeResult(w, []json.RawMessage{})
			return
		case <-s.closed:
			writeResult(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, p map[string]string) {
	chat, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	text := p["text"]
	switch {
	case strings.TrimSpace(text) == "":
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", 0)
		return
	case utf8.RuneCountInString(text) > maxTextLength:
		writeError(w, http.StatusBadRequest, "Bad Request: message is too long", 0)
		return
	}
	var markup *models.InlineKeyboardMarkup
	if raw := p["reply_markup"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &markup); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object", 0)
			return
		}
	}

	s.mu.Lock()
	id := s.nextMessageID
	s.nextMessageID++
	s.sent = append(s.sent, Sent{MessageID: id, ChatID: p["chat_id"], Text: text, Markup: markup, ParseMode: p["parse_mode"]})
	s.notify()
	s.mu.Unlock()

	writeResult(w, models.Message{
		ID:   id,
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		Text: text,
	})
}

// chatActions are the actions sendChatAction takes.
var chatActions = []string{"typing", "upload_photo", "record_video", "upload_video", "record_voice",
	"upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}

func (s *Server) sendChatAction(w http.ResponseWriter, p map[string]string) {
	if _, err := strconv.ParseInt(p["chat_id"], 10, 64); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	if !slices.Contains(chatActions, p["action"]) {
		writeError(w, http.StatusBadRequest, "Bad Request: wrong parameter action in request", 0)
		return
	}
	s.mu.Lock()
	s.actions = append(s.actions, ChatAction{ChatID: p["chat_id"], Action: p["action"]})
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, p map[string]string) {
	id := p["callback_query_id"]
	if id == "" {
		writeError(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
		return
	}
	s.mu.Lock()
	s.answered = append(s.answered, id)
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) setWebhook(w http.ResponseWriter, p map[string]string) {
	hook := Webhook{URL: p["url"], SecretToken: p["secret_token"]}
	if raw := p["allowed_updates"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &hook.AllowedUpdates); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse allowed updates", 0)
			return
		}
	}
	s.mu.Lock()
	s.webhook = hook
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, p map[string]string) {
	s.mu.Lock()
	s.webhook = Webhook{}
	s.deletes++
	if p["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) getFile(w http.ResponseWriter, p map[string]string) {
	s.mu.Lock()
	f, ok := s.files[p["file_id"]]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", 0)
		return
	}
	writeResult(w, models.File{
		FileID:       f.id,
		FileUniqueID: "unique-" + f.id,
		FileSize:     int64(len(f.data)),
		FilePath:     f.path,
	})
}

// download serves a file by the path getFile gave.
func (s *Server) download(w http.ResponseWriter, r *http.Request, path string) {
	if f, ok := s.take("file"); ok {
		fail(w, f)
		return
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			data, found = f.data, true
		}
	}
	s.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// readParams reads a method's parameters from a JSON body, a multipart or
// URL-encoded form, or the query, as the Bot API accepts them all. Values
// that are not JSON strings (numbers, arrays, objects) keep their JSON text,
// as they arrive in forms.
func readParams(r *http.Request) (map[string]string, error) {
	p := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil && err != io.EOF {
			return nil, err
		}
		for k, v := range raw {
			var str string
			if json.Unmarshal(v, &str) == nil {
				p[k] = str
			} else {
				p[k] = string(v)
			}
		}
		for k, v := range r.URL.Query() {
			if _, ok := p[k]; !ok {
				p[k] = v[0]
			}
		}
		return p, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, err
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
	}
	for k, v := range r.Form {
		p[k] = v[0]
	}
	return p, nil
}

// writeResult answers a successful call.
func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// writeError answers a failed call as the Bot API does.
func writeError(w http.ResponseWriter, status int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": status, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
