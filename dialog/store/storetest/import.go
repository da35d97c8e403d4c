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

// testImportBadFields refuses an export whose ticket fields are not the
// JSON the store reads back, and keeps nothing of it.
func testImportBadFields(t *testing.T, s dialog.Store) {
	im, ok := s.(importer)
	if !ok {
		t.Fatalf("%T has no Import", s)
	}
	row := func(fields string) string {
		return `{"firstline_export":4,"tables":["conversations","tickets"]}
{"table":"conversations","row":{"id":7,"channel":"telegram","chat_id":"42","customer_name":"Olga","lang":"ru","state":"queued","ticket_id":null,"pending":"","pending_options":[],"created_at":"2026-03-01T07:00:00Z","updated_at":"2026-03-01T07:00:00Z","erased_at":null,"acked_at":null,"customer_email":"","customer_phone":""}}
{"table":"tickets","row":{"id":3,"number":"FL-000003","conversation_id":7,"status":"queued","reason":"customer_ask","intent":"","candidates":[],"priority":"normal","queue":"first_line","channel":"telegram","customer_name":"Olga","customer_name_lower":"olga","assignee":"","csat":0,"reopens":0,"first_response_due":null,"resolution_due":null,"first_response_at":null,"created_at":"2026-03-01T07:00:00Z","updated_at":"2026-03-01T07:00:00Z","closed_at":null,"version":1,"late_first_response":0,"late_resolution":0,"fields":` + fields + `}}
`
	}
	err := im.Import(t.Context(), strings.NewReader(row(`"not json"`)))
	if dialog.ErrorCode(err) != dialog.EINVALID || !strings.Contains(err.Error(), "tickets.fields") {
		t.Fatalf("Import of broken fields: %v, want an invalid-input error naming tickets.fields", err)
	}
	if _, err := s.Ticket(t.Context(), 3); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Fatalf("after a refused import, Ticket: %v, want not found", err)
	}
	if err := im.Import(t.Context(), strings.NewReader(row(`"[{\"name\":\"contract\",\"value\":\"1234567\"}]"`))); err != nil {
		t.Fatalf("Import: %v", err)
	}
	tk, err := s.Ticket(t.Context(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Fields) != 1 || tk.Fields[0].Value != "1234567" {
		t.Errorf("imported fields: %+v", tk.Fields)
	}
}
