package webchat

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/firstline-support/firstline/dialog"
)

// fieldNames are the keys of a message body.
var fieldNames = []string{"session", "message_id", "text", "name"}

// decodeFields decodes body with decodeObject into a map of the fields
// that were given.
func decodeFields(body []byte) (map[string]string, error) {
	var v [4]string
	given := map[string]*string{}
	for i, k := range fieldNames {
		given[k] = &v[i]
	}
	if err := decodeObject(body, given); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, k := range fieldNames {
		out[k] = v[i]
	}
	return out, nil
}

// checkRefusal fails unless err is a *dialog.Error with EINVALID.
func checkRefusal(t *testing.T, body []byte, err error) {
	t.Helper()
	var de *dialog.Error
	if !errors.As(err, &de) || de.Code != dialog.EINVALID {
		t.Fatalf("decodeObject(%q): %v, want an EINVALID *dialog.Error", body, err)
	}
}

// FuzzDecodeObject feeds any bytes to the message body decoder. What it
// accepts must be valid JSON in valid UTF-8 that encoding/json reads as an
// object of the known keys, spelled exactly, with the same string values;
// what it refuses it refuses as invalid input. Its answer must not change
// when the accepted fields are encoded again.
func FuzzDecodeObject(f *testing.F) {
	for _, seed := range []string{
		`{"session":"s1","message_id":"1","text":"hello"}`,
		`{"session":"s1","message_id":"1","text":"hello"}}`,
		`{"session":"s1","message_id":"1","text":"hello"}]`,
		`{"SESSION":"s1"}`,
		`{"text":"a","text":"b"}`,
		`{"text":"\u00e9\ud83d\ude00","name":"\u0000"}`,
		`{"text":"\ud800"}`,
		`{"text":"\\ud800"}`,
		`{"text":1}`,
		`{"text":null}`,
		`{"text":{"a":[1,2,{"b":null}]}}`,
		`[{"text":"a"}]`,
		` {"name":"Анна"} `,
		"{\"text\":\"\xff\"}",
		`{}`,
		``,
		`{`,
		`{"text":"a",}`,
		`"text"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, err := decodeFields(body)
		if err != nil {
			checkRefusal(t, body, err)
			return
		}
		if !utf8.Valid(body) || !json.Valid(body) {
			t.Fatalf("accepted %q: not valid UTF-8 JSON", body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("accepted %q, which encoding/json does not read as an object: %v", body, err)
		}
		for k, v := range m {
			s, ok := v.(string)
			if !ok {
				t.Fatalf("accepted %q: %q is not a string", body, k)
			}
			got, known := fields[k]
			if !known || got != s {
				t.Fatalf("accepted %q: key %q, value %q, decoded %q (known key: %v)", body, k, s, got, known)
			}
		}
		for k, v := range fields {
			if _, ok := m[k]; !ok && v != "" {
				t.Fatalf("accepted %q: %q decoded as %q but not in the body", body, k, v)
			}
			if strings.ContainsRune(v, utf8.RuneError) && !bytes.ContainsRune(body, utf8.RuneError) &&
				!bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
				t.Fatalf("accepted %q: %q has U+FFFD that the body does not spell", body, k)
			}
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if fields2, err := decodeFields(again); err != nil || !equalFields(fields, fields2) {
			t.Fatalf("accepted %q, then %q (%v) encoded again: %v", body, fields2, err, fields)
		}
	})
}

// FuzzDecodeObjectBuilt builds a body of three keys and values, perhaps
// repeated, in another case, unknown, or followed by more data, and checks
// the decoder's answer against what it must be: accepted exactly when
// every key is known, none repeats and only white space follows.
func FuzzDecodeObjectBuilt(f *testing.F) {
	f.Add("session", "s1", "message_id", "1", "text", "hello", "")
	f.Add("session", "s1", "message_id", "1", "text", "hello", "}")
	f.Add("session", "s1", "message_id", "1", "text", "hello", " \n\t\r")
	f.Add("session", "s1", "session", "1", "text", "hello", "")
	f.Add("Session", "s1", "message_id", "1", "text", "hello", "")
	f.Add("text", "\u200b", "name", "\x00", "x", "y", "]")
	f.Add("name", "\xff", "text", "\xed\xa0\x80", "message_id", "é", "{}")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3, trailing string) {
		keys, values := []string{k1, k2, k3}, []string{v1, v2, v3}
		var b bytes.Buffer
		b.WriteByte('{')
		want := true
		seen := map[string]bool{}
		expect := map[string]string{}
		for i := range keys {
			// What encoding/json makes of the key: invalid UTF-8 becomes U+FFFD.
			kj, _ := json.Marshal(keys[i])
			vj, _ := json.Marshal(values[i])
			var k, v string
			json.Unmarshal(kj, &k)
			json.Unmarshal(vj, &v)
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(kj)
			b.WriteByte(':')
			b.Write(vj)
			known := false
			for _, n := range fieldNames {
				known = known || n == k
			}
			if !known || seen[k] {
				want = false
			}
			seen[k] = true
			expect[k] = v
		}
		b.WriteByte('}')
		b.WriteString(trailing)
		if strings.Trim(trailing, " \t\r\n") != "" {
			want = false
		}
		body := b.Bytes()
		fields, err := decodeFields(body)
		if want != (err == nil) {
			t.Fatalf("decodeObject(%q): %v, want accepted: %v", body, err, want)
		}
		if err != nil {
			checkRefusal(t, body, err)
			return
		}
		for k, v := range expect {
			if fields[k] != v {
				t.Fatalf("decodeObject(%q): %s = %q, want %q", body, k, fields[k], v)
			}
		}
	})
}

func equalFields(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
