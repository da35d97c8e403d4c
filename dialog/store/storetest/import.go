package storetest

import (
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// importer is a store that reads an export into itself (firstline
// import); both stores are.
type importer interface {
	Import(ctx context.Context, r io.Reader) error
}

// testImportVersion1 imports an export written before migrations revoked
// the API tokens of disabled users and emptied the payloads of processed
// updates: the import makes those changes too, so an old backup brings
// back neither a disabled user's token nor a customer's words.
func testImportVersion1(t *testing.T, s dialog.Store) {
	im, ok := s.(importer)
	if !ok {
		t.Fatalf("%T has no Import", s)
	}
	processed := base64.StdEncoding.EncodeToString([]byte("processed: customer words"))
	waiting := base64.StdEncoding.EncodeToString([]byte("waiting: customer words"))
	input := `{"firstline_export":1,"tables":["users","api_tokens","inbox"]}
{"table":"users","row":{"id":1,"name":"anna","role":"agent","password_hash":"x","disabled":false,"lang":"en","queues":[],"last_seen_at":null,"last_assigned_at":null,"created_at":"2026-03-01T07:00:00Z"}}
{"table":"users","row":{"id":2,"name":"boris","role":"agent","password_hash":"x","disabled":true,"lang":"en","queues":[],"last_seen_at":null,"last_assigned_at":null,"created_at":"2026-03-01T07:00:00Z"}}
{"table":"api_tokens","row":{"token_hash":"hash-of-anna","user_id":1,"created_at":"2026-03-01T07:00:00Z"}}
{"table":"api_tokens","row":{"token_hash":"hash-of-boris","user_id":2,"created_at":"2026-03-01T07:00:00Z"}}
{"table":"inbox","row":{"channel":"telegram","external_id":"1","received_at":"2026-03-01T07:00:00Z","processed_at":"2026-03-01T07:00:01Z","payload":"` + processed + `"}}
{"table":"inbox","row":{"channel":"telegram","external_id":"2","received_at":"2026-03-01T07:00:00Z","processed_at":null,"payload":"` + waiting + `"}}
`
	if err := im.Import(t.Context(), strings.NewReader(input)); err != nil {
		t.Fatalf("Import: %v", err)
	}
	got := export(t, s)
	for _, want := range []string{`"hash-of-anna"`, waiting} {
		if !strings.Contains(got, want) {
			t.Errorf("the import lost %s:\n%s", want, got)
		}
	}
	for _, gone := range []string{`"hash-of-boris"`, processed} {
		if strings.Contains(got, gone) {
			t.Errorf("the import kept %s:\n%s", gone, got)
		}
	}
}
