package schema

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// kinds is a table with a column of every kind.
var kinds = Table{Name: "kinds", Columns: []Column{
	{Name: "i", Kind: KindInt},
	{Name: "ni", Kind: KindNullInt},
	{Name: "r", Kind: KindReal},
	{Name: "b", Kind: KindBool},
	{Name: "s", Kind: KindText},
	{Name: "t", Kind: KindTime},
	{Name: "nt", Kind: KindNullTime},
	{Name: "blob", Kind: KindBlob},
	{Name: "list", Kind: KindList},
	{Name: "c", Kind: KindCandidates},
}}

func TestWriteAndReadEveryKind(t *testing.T) {
	cands := []dialog.Candidate{{Intent: "pay_bill", Confidence: 0.75}, {Intent: "setup_tv", Confidence: 0.125}}
	when := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("MSK", 3*3600))
	for _, c := range []struct {
		name   string
		values []any
		line   string
		back   []any // as read back, when not values
	}{
		{"values", []any{int64(7), int64(3), 0.25, true, "Анна", when, when, []byte{0, 1, 255}, []string{"a", "b"}, cands},
			`{"table":"kinds","row":{"b":true,"blob":"AAH/","c":[{"intent":"pay_bill","confidence":0.75},{"intent":"setup_tv","confidence":0.125}],"i":7,"list":["a","b"],"ni":3,"nt":"2026-03-01T07:00:00.123456Z","r":0.25,"s":"Анна","t":"2026-03-01T07:00:00.123456Z"}}`,
			[]any{int64(7), int64(3), 0.25, true, "Анна", when.UTC().Truncate(time.Microsecond), when.UTC().Truncate(time.Microsecond), []byte{0, 1, 255}, []string{"a", "b"}, cands}},
		{"nulls and empties", []any{int64(0), int64(0), 0.0, false, "", when, time.Time{}, []byte{}, []string(nil), []dialog.Candidate(nil)},
			`{"table":"kinds","row":{"b":false,"blob":"","c":[],"i":0,"list":[],"ni":null,"nt":null,"r":0,"s":"","t":"2026-03-01T07:00:00.123456Z"}}`,
			[]any{int64(0), int64(0), 0.0, false, "", when.UTC().Truncate(time.Microsecond), time.Time{}, []byte{}, []string{}, []dialog.Candidate{}}},
		{"NUL in text", []any{int64(0), int64(0), 0.0, false, "a\x00b", when, time.Time{}, []byte{0}, []string{"\x00"}, []dialog.Candidate{{Intent: "x\x00"}}},
			`{"table":"kinds","row":{"b":false,"blob":"AA==","c":[{"intent":"x\u0000","confidence":0}],"i":0,"list":["\u0000"],"ni":null,"nt":null,"r":0,"s":"a\u0000b","t":"2026-03-01T07:00:00.123456Z"}}`,
			[]any{int64(0), int64(0), 0.0, false, "a\uFFFDb", when.UTC().Truncate(time.Microsecond), time.Time{}, []byte{0}, []string{"\uFFFD"}, []dialog.Candidate{{Intent: "x\uFFFD"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := &Writer{w: &buf}
			if err := w.Write(kinds, c.values); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(buf.String()); got != c.line {
				t.Errorf("line\n got %s\nwant %s", got, c.line)
			}
			rd := &Reader{r: bufioReader(buf.String()), maxLine: MaxLineSize, tables: map[string]Table{"kinds": kinds}}
			tbl, values, err := rd.Next()
			if err != nil || tbl.Name != "kinds" {
				t.Fatalf("read: %s, %v", tbl.Name, err)
			}
			if !reflect.DeepEqual(values, c.back) {
				t.Errorf("read back\n got %#v\nwant %#v", values, c.back)
			}
		})
	}
}

func TestWriteWrongType(t *testing.T) {
	w := &Writer{w: &bytes.Buffer{}}
	values := []any{7, int64(3), 0.25, true, "", time.Now(), time.Now(), []byte{}, []string{}, []dialog.Candidate{}} // int, not int64
	if err := w.Write(kinds, values); err == nil || !strings.Contains(err.Error(), "kinds.i") {
		t.Errorf("write = %v, want an error naming kinds.i", err)
	}
}

func TestReadErrors(t *testing.T) {
	const header = `{"firstline_export":1,"tables":["kinds"]}` + "\n"
	const good = `{"table":"kinds","row":{"b":true,"blob":"","c":[{"intent":"a","confidence":0.5}],"i":7,"list":[],"ni":null,"nt":null,"r":0,"s":"","t":"2026-03-01T07:00:00.123456Z"}}`
	for _, c := range []struct {
		name  string
		input string
		want  string
	}{
		{"empty", "", "line 1: the export is empty"},
		{"not a header", "hello\n", "line 1: not an export header"},
		{"a later version", `{"firstline_export":6}` + "\n", "line 1: not a firstline export of version 1 to 5"},
		{"version 0", `{"firstline_export":0}` + "\n", "line 1: not a firstline export of version 1 to 5"},
		{"not JSON", header + good + "\n{\n", "line 3: not a row"},
		{"an unknown field", header + `{"table":"kinds","row":{},"x":1}` + "\n", "line 2: not a row"},
		{"unknown table", header + `{"table":"schema_migrations","row":{}}` + "\n", `line 2: unknown table "schema_migrations"`},
		{"unknown column", header + strings.Replace(good, `"b":true`, `"b":true,"z":1`, 1) + "\n", `line 2: table kinds has no column "z"`},
		{"missing column", header + strings.Replace(good, `"b":true,`, "", 1) + "\n", "line 2: kinds.b is missing"},
		{"a string for an int", header + strings.Replace(good, `"i":7`, `"i":"7"`, 1) + "\n", "line 2: kinds.i"},
		{"a fraction for an int", header + strings.Replace(good, `"i":7`, `"i":7.5`, 1) + "\n", "line 2: kinds.i"},
		{"null for an int", header + strings.Replace(good, `"i":7`, `"i":null`, 1) + "\n", "line 2: kinds.i"},
		{"a number for a bool", header + strings.Replace(good, `"b":true`, `"b":1`, 1) + "\n", "line 2: kinds.b"},
		{"not a time", header + strings.Replace(good, `"2026-03-01T07:00:00.123456Z"`, `"yesterday"`, 1) + "\n", "line 2: kinds.t"},
		{"not base64", header + strings.Replace(good, `"blob":""`, `"blob":"%%%"`, 1) + "\n", "line 2: kinds.blob"},
		{"not a list", header + strings.Replace(good, `"list":[]`, `"list":"a"`, 1) + "\n", "line 2: kinds.list"},
		{"candidates of strings", header + strings.Replace(good, `"c":[{"intent":"a","confidence":0.5}]`, `"c":["a"]`, 1) + "\n", "line 2: kinds.c"},
		{"a candidate without confidence", header + strings.Replace(good, `,"confidence":0.5`, ``, 1) + "\n", "line 2: kinds.c: candidate 1"},
		{"a candidate with more", header + strings.Replace(good, `"confidence":0.5`, `"confidence":0.5,"x":1`, 1) + "\n", "line 2: kinds.c"},
		{"null candidates", header + strings.Replace(good, `"c":[{"intent":"a","confidence":0.5}]`, `"c":null`, 1) + "\n", "line 2: kinds.c"},
		{"a time past 9999", header + strings.Replace(good, `"2026-03-01T07:00:00.123456Z"`, `"9999-12-31T23:00:00-02:00"`, 1) + "\n", "line 2: kinds.t"},
		{"more after the row", header + good + " x\n", "line 2: not a row"},
		{"blank lines count", header + "\n\n{\n", "line 4: not a row"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := NewReader(strings.NewReader(c.input))
			if err == nil {
				rd.tables = map[string]Table{"kinds": kinds}
				for err == nil {
					_, _, err = rd.Next()
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestReadLongLine refuses a line over the limit without reading it whole,
// and still reads one at the limit.
func TestReadLongLine(t *testing.T) {
	header := `{"firstline_export":1,"tables":["kinds"]}` + "\n"
	const limit = 200
	for _, c := range []struct {
		name string
		line string
		want string // "" for no error
	}{
		{"at the limit", `{"table":"kinds","row":{}}` + strings.Repeat(" ", limit-len(`{"table":"kinds","row":{}}`)-1) + "\n", "kinds.i is missing"},
		{"over the limit", `{"table":"kinds","row":{}}` + strings.Repeat(" ", limit) + "\n", "line 2: the line is longer than 200 bytes"},
		{"over the limit, no newline", strings.Repeat("x", 10*limit), "line 2: the line is longer than 200 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := newReader(strings.NewReader(header+c.line), limit, []Table{kinds})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = rd.Next()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// endless is a line that never ends, counting what is read of it.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.read += len(p)
	return len(p), nil
}

// TestReadEndlessLine stops reading a line that never ends soon after the
// limit, with an error.
func TestReadEndlessLine(t *testing.T) {
	header := `{"firstline_export":1,"tables":["kinds"]}` + "\n"
	src := &endless{}
	rd, err := newReader(io.MultiReader(strings.NewReader(header), src), 1<<20, []Table{kinds})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("err = %v, want the line refused", err)
	}
	if src.read > 1<<20+64<<10 {
		t.Errorf("read %d bytes of a line limited to %d", src.read, 1<<20)
	}
}

func TestTables(t *testing.T) {
	seen := map[string]bool{}
	for _, tbl := range Tables() {
		if seen[tbl.Name] {
			t.Errorf("table %s twice", tbl.Name)
		}
		seen[tbl.Name] = true
		if tbl.Identity && (len(tbl.Columns) == 0 || tbl.Columns[0].Name != "id") {
			t.Errorf("%s: an identity table must start with its id", tbl.Name)
		}
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

// TestReadVersion1 reads an export made before API tokens had ids, names
// and last use, and conversations an erasure time: a backup of an older
// firstline imports into this one, with those columns at their defaults,
// and only those.
func TestReadVersion1(t *testing.T) {
	input := `{"firstline_export":1,"tables":["api_tokens","conversations"]}
{"table":"api_tokens","row":{"token_hash":"h1","user_id":1,"created_at":"2026-03-01T07:00:00Z"}}
{"table":"api_tokens","row":{"token_hash":"h2","user_id":2,"created_at":"2026-03-02T07:00:00Z"}}
{"table":"api_tokens","row":{"token_hash":"h3","user_id":1}}
`
	rd, err := NewReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"[1 h1 1  2026-03-01 07:00:00 +0000 UTC 0001-01-01 00:00:00 +0000 UTC]", "[2 h2 2  2026-03-02 07:00:00 +0000 UTC 0001-01-01 00:00:00 +0000 UTC]"} {
		tb, values, err := rd.Next()
		if err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
		if tb.Name != "api_tokens" || fmt.Sprint(values) != want {
			t.Errorf("row %d of %s: %q, want %q", i+1, tb.Name, fmt.Sprint(values), want)
		}
	}
	// A column the version had is still required.
	if _, _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "api_tokens.created_at is missing") {
		t.Errorf("a version 1 row without created_at: %v", err)
	}
	// A version 2 file must have every column.
	rd, err = NewReader(strings.NewReader(strings.Replace(input, `"firstline_export":1`, `"firstline_export":2`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "api_tokens.id is missing") {
		t.Errorf("a version 2 row without id: %v", err)
	}
}

// TestLineFitsLargestAttachment checks that a row holding the largest file
// a customer may send, base64-encoded with room for its other columns,
// is within the longest line Reader takes.
func TestLineFitsLargestAttachment(t *testing.T) {
	if n := base64.StdEncoding.EncodedLen(dialog.MaxAttachmentSize) + 64<<10; n > MaxLineSize {
		t.Errorf("a row of the largest attachment takes about %d bytes, over MaxLineSize %d", n, MaxLineSize)
	}
}
