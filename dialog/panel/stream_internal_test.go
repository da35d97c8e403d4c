package panel

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog/broker"
)

func TestStreamHeartbeat(t *testing.T) {
	gin.SetMode(gin.TestMode)
	p := &Panel{
		events:    broker.New(),
		log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		closed:    make(chan struct{}),
		heartbeat: 20 * time.Millisecond,
	}
	r := gin.New()
	r.GET("/events", p.stream)
	srv := httptest.NewServer(r)
	defer srv.Close()
	defer p.Close() // ends the stream before the server closes

	resp, err := http.Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	want := []string{"retry: 2000", "", ": ping", "", ": ping"}
	for i, w := range want {
		select {
		case got := <-lines:
			if got != w {
				t.Fatalf("line %d = %q, want %q", i, got, w)
			}
		case <-time.After(time.Second):
			t.Fatalf("line %d did not come", i)
		}
	}
}
