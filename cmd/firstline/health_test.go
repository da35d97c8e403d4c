package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/metrics"
	"github.com/firstline-support/firstline/kb"
)

// health is the body of /healthz and /readyz.
type health struct {
	Status  string   `json:"status"`
	Missing []string `json:"missing"`
}

// getHealth GETs path from the router's server and decodes the body.
func getHealth(t *testing.T, srv *httptest.Server, path string) (int, health) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, h
}

// TestReadiness: /readyz answers 200 only with a store that answers and a
// knowledge base loaded, and names what is missing otherwise; /healthz
// answers 200 throughout.
func TestReadiness(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := dialogtest.Store(t, log)
	closed := dialogtest.Store(t, log)
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	loaded := dialogtest.KB(t, "../../dialog/testdata/intents")
	empty := kb.NewHolder(nil)

	for _, c := range []struct {
		name   string
		store  dialog.Store
		holder *kb.Holder
		code   int
		want   health
	}{
		{"ready", open, loaded, http.StatusOK, health{Status: "ready"}},
		{"no knowledge base", open, empty, http.StatusServiceUnavailable, health{Status: "not ready", Missing: []string{"knowledge_base"}}},
		{"store closed", closed, loaded, http.StatusServiceUnavailable, health{Status: "not ready", Missing: []string{"store"}}},
		{"nothing", closed, empty, http.StatusServiceUnavailable, health{Status: "not ready", Missing: []string{"store", "knowledge_base"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(newRouter(log, c.store, c.holder, metrics.New()))
			defer srv.Close()
			code, got := getHealth(t, srv, "/readyz")
			if code != c.code || !reflect.DeepEqual(got, c.want) {
				t.Errorf("/readyz = %d %+v, want %d %+v", code, got, c.code, c.want)
			}
			if code, got := getHealth(t, srv, "/healthz"); code != http.StatusOK || got.Status != "ok" {
				t.Errorf("/healthz = %d %+v, want 200 ok", code, got)
			}
		})
	}
}
