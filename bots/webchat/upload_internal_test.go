package webchat

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestUploadsAtOnce refuses an upload with 429 while the process reads as
// many as it holds in memory at once, and takes it again once one ends.
func TestUploadsAtOnce(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	c := New(engine, Options{Uploads: DefaultUploads()}, log)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	c.Routes(r)
	upload := func(id string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/webchat/files?session=s1&message_id="+id,
			strings.NewReader("just some plain text")))
		return w
	}
	for range maxUploadsAtOnce {
		c.uploadSlots <- struct{}{}
	}
	if w := upload("f1"); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Errorf("an upload over the limit: %d %s, want 429 with Retry-After", w.Code, w.Body)
	}
	<-c.uploadSlots
	if w := upload("f2"); w.Code != http.StatusOK {
		t.Errorf("an upload with a slot free: %d %s", w.Code, w.Body)
	}
	if len(c.uploadSlots) != maxUploadsAtOnce-1 {
		t.Errorf("%d slots held after the upload, want %d: it did not give its slot back", len(c.uploadSlots), maxUploadsAtOnce-1)
	}
}
