package schema

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// fuzzMaxLine keeps the fuzzer's lines short, so that it spends its time
// on their content; the limit itself is the same code at any size.
const fuzzMaxLine = 4096

// sampleValue is a value of kind k, as Writer takes it.
func sampleValue(k Kind) any {
	switch k {
	case KindInt, KindNullInt:
		return int64(42)
	case KindReal:
		return 0.75
	case KindBool:
		return true
	case KindText:
		return "Анна \"quoted\"\n"
	case KindTime, KindNullTime:
		return time.Date(2026, 3, 1, 7, 0, 0, 123456000, time.UTC)
	case KindBlob:
		return []byte{0, 1, 2, 255}
	case KindList:
		return []string{"first_line", "second_line"}
	case KindCandidates:
		return []dialog.Candidate{{Intent: "pay_bill", Confidence: 0.5}}
	}
	panic("unknown kind " + k)
}

// fuzzSeeds are a whole export with one row of every table, and damaged
// variations of it.
func fuzzSeeds(t testing.TB) []string {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range Tables() {
		values := make([]any, len(tbl.Columns))
		for i, c := range tbl.Columns {
			values[i] = sampleValue(c.Kind)
		}
		if err := w.Write(tbl, values); err != nil {
			t.Fatal(err)
		}
	}
	whole := buf.String()
	header, _, _ := strings.Cut(whole, "\n")
	return []string{
		whole,
		header + "\n",
		"",
		"\n\n",
		header + "\n" + `{"table":"tickets","row":{"candidates":[{"intent":"a","confidence":1e999}]}}` + "\n",
		header + "\n" + `{"table":"tickets","row":null}` + "\n",
		strings.ReplaceAll(whole, `"confidence":0.5`, `"confidence":"0.5"`),
		strings.ReplaceAll(whole, `"2026-03-01T07:00:00.123456Z"`, `"0000-01-01T00:00:00+01:00"`),
		strings.ReplaceAll(whole, `"AAEC/w=="`, `"AAEC/w="`),
		strings.ReplaceAll(whole, "\n", "\r\n"),
		whole[:len(whole)/2],
		header + "\n" + strings.Repeat("[", 1000) + "\n",
	}
}

// FuzzReader reads arbitrary bytes as an export: it never panics, refuses
// what is not an export with an error naming the line, keeps no line over
// its limit, and whatever it reads writes back and reads again as the same
// values.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := newReader(bytes.NewReader(data), fuzzMaxLine, Tables())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		var out bytes.Buffer
		w, err := NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]any
		for {
			tbl, values, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "line ") {
					t.Fatalf("error without a line: %v", err)
				}
				return
			}
			if len(values) != len(tbl.Columns) {
				t.Fatalf("%d values for the %d columns of %s", len(values), len(tbl.Columns), tbl.Name)
			}
			for i, v := range values {
				if s, ok := v.(string); ok && dialog.CheckText(s) != nil {
					t.Fatalf("%s.%s read as text a store refuses: %q", tbl.Name, tbl.Columns[i].Name, s)
				}
			}
			if err := w.Write(tbl, values); err != nil {
				t.Fatalf("what was read does not write back: %v", err)
			}
			rows = append(rows, values)
		}
		again, err := newReader(&out, 8*fuzzMaxLine, Tables())
		if err != nil {
			t.Fatalf("the export written back: %v", err)
		}
		for i, want := range rows {
			_, got, err := again.Next()
			if err != nil {
				t.Fatalf("row %d written back: %v", i+1, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("row %d reads back as\n%#v\nnot\n%#v", i+1, got, want)
			}
		}
		if _, _, err := again.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("more rows written back than read: %v", err)
		}
	})
}
