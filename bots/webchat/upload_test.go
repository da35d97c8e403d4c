package webchat_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// chat is a web chat served to tests, with its engine's store.
type chat struct {
	t      *testing.T
	r      *gin.Engine
	engine *dialog.Engine
}

func newChat(t *testing.T, opts webchat.Options) *chat {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(engine, opts, log).Routes(r)
	return &chat{t: t, r: r, engine: engine}
}

// do sends a request and returns the recorded response.
func (c *chat) do(method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	c.r.ServeHTTP(w, req)
	return w
}

// upload posts a file as the page does.
func (c *chat) upload(session, messageID, fileName string, data []byte) *httptest.ResponseRecorder {
	c.t.Helper()
	q := url.Values{"session": {session}, "message_id": {messageID}, "file_name": {fileName}}
	return c.do(http.MethodPost, "/api/v1/webchat/files?"+q.Encode(), bytes.NewReader(data), "Content-Type", "image/png")
}

// conversations counts the conversations of the chat's store.
func (c *chat) conversation(session string) *dialog.Conversation {
	c.t.Helper()
	conv, err := c.engine.Store().ConversationByChat(c.t.Context(), webchat.ChannelName, session)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return nil
	} else if err != nil {
		c.t.Fatal(err)
	}
	return conv
}

// pngImage is a small, real PNG picture.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type uploadAnswer struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
	Duplicate      bool  `json:"duplicate"`
	Files          []struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		MIME  string `json:"mime"`
		Size  int64  `json:"size"`
		Image bool   `json:"image"`
	} `json:"files"`
	Replies []struct {
		Text string `json:"text"`
	} `json:"replies"`
}

func decodeUpload(t *testing.T, w *httptest.ResponseRecorder) uploadAnswer {
	t.Helper()
	var a uploadAnswer
	if w.Code != http.StatusOK {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestUploadImage sends a picture: it becomes a customer message with the
// file, which the poll lists and the same session reads back.
func TestUploadImage(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	pic := pngImage(t)
	a := decodeUpload(t, c.upload("s1", "f1", `C:\fakepath\router.png`, pic))
	if len(a.Files) != 1 || a.Files[0].Name != "router.png" || a.Files[0].MIME != "image/png" ||
		a.Files[0].Size != int64(len(pic)) || !a.Files[0].Image {
		t.Fatalf("files = %+v", a.Files)
	}
	if len(a.Replies) == 0 {
		t.Error("the bot did not answer the file")
	}
	m, err := c.engine.Store().Message(t.Context(), a.MessageID)
	if err != nil || m.Author != dialog.AuthorCustomer || m.ConversationID != a.ConversationID {
		t.Fatalf("stored message %+v, %v", m, err)
	}

	w := c.do(http.MethodGet, "/api/v1/webchat/messages?session=s1", nil)
	if !strings.Contains(w.Body.String(), `"files":[{"id":`) || !strings.Contains(w.Body.String(), `"name":"router.png"`) {
		t.Errorf("the poll does not list the file: %s", w.Body)
	}

	w = c.do(http.MethodGet, "/api/v1/webchat/files/"+itoa(a.Files[0].ID)+"?session=s1", nil)
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), pic) {
		t.Fatalf("read back: %d, %d bytes", w.Code, w.Body.Len())
	}
	h := w.Header()
	if h.Get("Content-Type") != "image/png" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
}

// TestUploadDocument keeps a PDF as a document, served as a download.
func TestUploadDocument(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	a := decodeUpload(t, c.upload("s1", "f1", "bill.pdf", pdf))
	if len(a.Files) != 1 || a.Files[0].MIME != "application/pdf" || a.Files[0].Image {
		t.Fatalf("files = %+v", a.Files)
	}
	w := c.do(http.MethodGet, "/api/v1/webchat/files/"+itoa(a.Files[0].ID)+"?session=s1", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("a PDF served as %d %v", w.Code, w.Header())
	}
}

// TestUploadOtherSession checks that a file is read only by the session
// that sent it: another session, one never seen, and an erased
// conversation's get 404, the same as for a file that does not exist.
func TestUploadOtherSession(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	mine := decodeUpload(t, c.upload("alice", "f1", "a.png", pngImage(t)))
	decodeUpload(t, c.upload("bob", "f1", "b.png", pngImage(t)))
	id := itoa(mine.Files[0].ID)
	for _, target := range []string{
		"/api/v1/webchat/files/" + id + "?session=bob",
		"/api/v1/webchat/files/" + id + "?session=nobody",
		"/api/v1/webchat/files/999999?session=alice",
		"/api/v1/webchat/files/abc?session=alice",
	} {
		if w := c.do(http.MethodGet, target, nil); w.Code != http.StatusNotFound || bytes.Contains(w.Body.Bytes(), []byte("IHDR")) {
			t.Errorf("GET %s: %d %.80q, want 404", target, w.Code, w.Body)
		}
	}
	if w := c.do(http.MethodGet, "/api/v1/webchat/files/"+id, nil); w.Code != http.StatusBadRequest {
		t.Errorf("without a session: %d, want 400", w.Code)
	}
	if _, err := c.engine.Erase(t.Context(), mine.ConversationID); err != nil {
		t.Fatal(err)
	}
	erased := dialog.ErasedChatID(mine.ConversationID)
	if w := c.do(http.MethodGet, "/api/v1/webchat/files/"+id+"?session="+erased, nil); w.Code != http.StatusNotFound {
		t.Errorf("an erased conversation's file: %d, want 404", w.Code)
	}
	if atts, err := c.engine.Store().Attachments(t.Context(), []int64{mine.MessageID}); err != nil || len(atts) != 0 {
		t.Errorf("after the erasure the upload is still stored: %v, %v", atts, err)
	}
}

// TestUploadTooLarge refuses a file over the limit with 413, whether the
// request says its length or not, and stores nothing.
func TestUploadTooLarge(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.Uploads{MaxBytes: 1024, Types: []string{"image/png"}}})
	big := append(pngImage(t), make([]byte, 2048)...)
	if w := c.upload("s1", "f1", "big.png", big); w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "1 KiB") {
		t.Errorf("a declared large file: %d %s, want 413", w.Code, w.Body)
	}
	// No Content-Length: the limit stops the read itself.
	req := httptest.NewRequest(http.MethodPost, "/api/v1/webchat/files?session=s1&message_id=f2", io.MultiReader(bytes.NewReader(big)))
	req.ContentLength = -1
	w := httptest.NewRecorder()
	c.r.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an undeclared large file: %d %s, want 413", w.Code, w.Body)
	}
	if conv := c.conversation("s1"); conv != nil {
		t.Errorf("a refused file started conversation %d", conv.ID)
	}
	// Exactly at the limit is accepted.
	exact := append(pngImage(t), make([]byte, 1024)...)[:1024]
	decodeUpload(t, c.upload("s1", "f3", "ok.png", exact))
}

// TestUploadWrongType refuses a file whose bytes are not of an accepted
// type with 415, whatever the request claims, and stores nothing.
func TestUploadWrongType(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	for name, data := range map[string][]byte{
		"setup.png":   []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), // a Windows program
		"page.png":    []byte("<!DOCTYPE html><script>alert(1)</script>"),
		"archive.png": []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"),
	} {
		w := c.upload("s1", "f-"+name, name, data)
		if w.Code != http.StatusUnsupportedMediaType || !strings.Contains(w.Body.String(), "not accepted") {
			t.Errorf("%s: %d %s, want 415", name, w.Code, w.Body)
		}
	}
	if conv := c.conversation("s1"); conv != nil {
		t.Errorf("a refused file started conversation %d", conv.ID)
	}
}

// TestUploadDuplicate sends the same upload twice, as a page retrying
// after a lost response does: it is stored and answered once.
func TestUploadDuplicate(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	pic := pngImage(t)
	first := decodeUpload(t, c.upload("s1", "f1", "a.png", pic))
	again := decodeUpload(t, c.upload("s1", "f1", "a.png", pic))
	if !again.Duplicate || again.MessageID != first.MessageID || len(again.Files) != 1 || again.Files[0].ID != first.Files[0].ID {
		t.Errorf("retry answered %+v, first %+v", again, first)
	}
	msgs, err := c.engine.Store().Messages(t.Context(), dialog.MessageFilter{ConversationID: first.ConversationID})
	if err != nil {
		t.Fatal(err)
	}
	var customer []int64
	for _, m := range msgs {
		if m.Author == dialog.AuthorCustomer {
			customer = append(customer, m.ID)
		}
	}
	atts, err := c.engine.Store().Attachments(t.Context(), customer)
	if err != nil || len(customer) != 1 || len(atts) != 1 {
		t.Errorf("%d customer messages with %d files (%v), want one with one", len(customer), len(atts), err)
	}
}

// TestUploadBadRequests refuses uploads with bad parameters, or none.
func TestUploadBadRequests(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads()})
	pic := pngImage(t)
	for _, target := range []string{
		"/api/v1/webchat/files?message_id=f1",
		"/api/v1/webchat/files?session=s1",
		"/api/v1/webchat/files?session=s1&message_id=f1&session=s2",
		"/api/v1/webchat/files?session=s1&message_id=f1&extra=1",
		"/api/v1/webchat/files?session=s1&message_id=f1&file_name=a%00.png",
		"/api/v1/webchat/files?session=s1&message_id=f1&caption=%ff",
		"/api/v1/webchat/files?session=s1&message_id=f1&caption=%zz",
	} {
		if w := c.do(http.MethodPost, target, bytes.NewReader(pic)); w.Code != http.StatusBadRequest {
			t.Errorf("POST %s: %d %s, want 400", target, w.Code, w.Body)
		}
	}
	if w := c.upload("s1", "f1", "empty.png", nil); w.Code != http.StatusBadRequest {
		t.Errorf("an empty file: %d, want 400", w.Code)
	}
	if conv := c.conversation("s1"); conv != nil {
		t.Errorf("a refused upload started conversation %d", conv.ID)
	}
}

// TestUploadsOff answers 404 when the config takes no files.
func TestUploadsOff(t *testing.T) {
	c := newChat(t, webchat.Options{})
	if w := c.upload("s1", "f1", "a.png", pngImage(t)); w.Code != http.StatusNotFound {
		t.Errorf("upload with uploads off: %d, want 404", w.Code)
	}
}

// TestUploadRateLimit counts uploads against the address's requests.
func TestUploadRateLimit(t *testing.T) {
	c := newChat(t, webchat.Options{Uploads: webchat.DefaultUploads(), Limit: webchat.RateLimit{PerMinute: 1, Burst: 1}})
	decodeUpload(t, c.upload("s1", "f1", "a.png", pngImage(t)))
	if w := c.upload("s1", "f2", "b.png", pngImage(t)); w.Code != http.StatusTooManyRequests {
		t.Errorf("second upload over the limit: %d, want 429", w.Code)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestPageCarriesLimits gives the page's script the upload limits and the
// contact form, so that it offers only what the API takes.
func TestPageCarriesLimits(t *testing.T) {
	c := newChat(t, webchat.Options{Title: "Support", Uploads: webchat.Uploads{MaxBytes: 2048, Types: []string{"image/png"}},
		Contact: webchat.ContactForm{Ask: webchat.AskBeforeChat, Fields: []string{"email"}, Required: []string{"email"}}})
	body := c.do(http.MethodGet, "/", nil).Body.String()
	for _, want := range []string{
		`var files = {"max_bytes":2048,"types":["image/png"]};`,
		`var contact = {"ask":"before_chat","fields":["email"],"required":["email"]};`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	off := newChat(t, webchat.Options{Title: "Support"}).do(http.MethodGet, "/", nil).Body.String()
	if !strings.Contains(off, `var files = {"max_bytes":0,"types":[]};`) || !strings.Contains(off, `"ask":"never"`) {
		t.Error("a chat without files and form does not tell its page so")
	}
}
