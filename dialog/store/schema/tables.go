package schema

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Kind is how a column's values are typed, the same in every store.
type Kind string

// Column kinds.
const (
	KindInt      Kind = "int"      // an integer
	KindNullInt  Kind = "nullint"  // an integer or NULL (an id of "none")
	KindReal     Kind = "real"     // a floating-point number
	KindBool     Kind = "bool"     // true or false (0 or 1 in SQLite)
	KindText     Kind = "text"     // a string
	KindTime     Kind = "time"     // a time, to the microsecond
	KindNullTime Kind = "nulltime" // a time or NULL
	KindBlob     Kind = "blob"     // bytes
	KindList     Kind = "list"     // a list of strings, kept as JSON array text
	// KindCandidates is a ticket's candidates (dialog.Candidate), kept as
	// JSON array text of {"intent", "confidence"} objects.
	KindCandidates Kind = "candidates"
)

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
	// Deferred columns refer to a table that comes later in Tables
	// (conversations.ticket_id → tickets): an import writes them as NULL
	// and sets them once every row is in.
	Deferred bool
	// Since is the export format version that added the column (0 for
	// the first). A file of an older version lacks it, and Reader gives
	// it Default, or else its kind's default: NULL, empty text, 0, or,
	// for an id, the row's number in its table.
	Since int
	// Default is the JSON value the rows of an older file get, when not
	// their kind's.
	Default string
}

// Table is one of firstline's tables.
type Table struct {
	Name    string
	Columns []Column
	// Identity is set when the table's "id" column is drawn from a
	// sequence (AUTOINCREMENT, GENERATED ALWAYS AS IDENTITY).
	Identity bool
	// OrderBy is the primary key, the order rows are exported in.
	OrderBy string
}

// Tables lists firstline's tables with the columns both stores have, in
// an order in which every row's references come before it (apart from
// Deferred columns). Left out: schema_migrations, which each store keeps
// for itself, and the whatsmeow_* tables of the WhatsApp session, which
// does not move: a WhatsApp account is paired again after a move.
func Tables() []Table {
	return []Table{
		{Name: "users", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "name", Kind: KindText},
			{Name: "role", Kind: KindText},
			{Name: "password_hash", Kind: KindText},
			{Name: "disabled", Kind: KindBool},
			{Name: "lang", Kind: KindText},
			{Name: "queues", Kind: KindList},
			{Name: "last_seen_at", Kind: KindNullTime},
			{Name: "last_assigned_at", Kind: KindNullTime},
			{Name: "created_at", Kind: KindTime},
		}},
		// incidents: text and close_text are JSON objects by language.
		{Name: "incidents", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "text", Kind: KindText},
			{Name: "intents", Kind: KindList},
			{Name: "areas", Kind: KindList},
			{Name: "starts_at", Kind: KindTime},
			{Name: "expected_end", Kind: KindNullTime},
			{Name: "closed_at", Kind: KindNullTime},
			{Name: "close_text", Kind: KindText},
			{Name: "created_by", Kind: KindText},
			{Name: "created_at", Kind: KindTime},
			{Name: "updated_at", Kind: KindTime},
			{Name: "version", Kind: KindInt},
		}},
		{Name: "sessions", OrderBy: "token_hash", Columns: []Column{
			{Name: "token_hash", Kind: KindText},
			{Name: "user_id", Kind: KindInt},
			{Name: "created_at", Kind: KindTime},
			{Name: "expires_at", Kind: KindTime},
		}},
		{Name: "api_tokens", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt, Since: 2},
			{Name: "token_hash", Kind: KindText},
			{Name: "user_id", Kind: KindInt},
			{Name: "name", Kind: KindText, Since: 2},
			{Name: "created_at", Kind: KindTime},
			{Name: "last_used_at", Kind: KindNullTime, Since: 2},
		}},
		{Name: "conversations", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "channel", Kind: KindText},
			{Name: "chat_id", Kind: KindText},
			{Name: "customer_name", Kind: KindText},
			{Name: "lang", Kind: KindText},
			{Name: "state", Kind: KindText},
			{Name: "ticket_id", Kind: KindNullInt, Deferred: true},
			{Name: "pending", Kind: KindText},
			{Name: "pending_options", Kind: KindList},
			{Name: "created_at", Kind: KindTime},
			{Name: "updated_at", Kind: KindTime},
			{Name: "erased_at", Kind: KindNullTime, Since: 2},
			{Name: "acked_at", Kind: KindNullTime, Since: 4},
			{Name: "customer_email", Kind: KindText, Since: 4, Default: `""`},
			{Name: "customer_phone", Kind: KindText, Since: 4, Default: `""`},
		}},
		{Name: "tickets", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "number", Kind: KindText},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "status", Kind: KindText},
			{Name: "reason", Kind: KindText},
			{Name: "intent", Kind: KindText},
			{Name: "candidates", Kind: KindCandidates},
			{Name: "priority", Kind: KindText},
			{Name: "queue", Kind: KindText},
			{Name: "channel", Kind: KindText},
			{Name: "customer_name", Kind: KindText},
			{Name: "customer_name_lower", Kind: KindText},
			{Name: "assignee", Kind: KindText},
			{Name: "csat", Kind: KindInt},
			{Name: "reopens", Kind: KindInt},
			{Name: "first_response_due", Kind: KindNullTime},
			{Name: "resolution_due", Kind: KindNullTime},
			{Name: "first_response_at", Kind: KindNullTime},
			{Name: "created_at", Kind: KindTime},
			{Name: "updated_at", Kind: KindTime},
			{Name: "closed_at", Kind: KindNullTime},
			{Name: "version", Kind: KindInt, Since: 3, Default: "1"},
			{Name: "late_first_response", Kind: KindInt, Since: 4, Default: "0"},
			{Name: "late_resolution", Kind: KindInt, Since: 4, Default: "0"},
			// fields: a JSON array of {"name", "value"} objects.
			{Name: "fields", Kind: KindText, Since: 4, Default: `"[]"`},
			{Name: "waiting_since", Kind: KindNullTime, Since: 5},
			{Name: "reminded_at", Kind: KindNullTime, Since: 5},
			{Name: "incident_id", Kind: KindNullInt, Since: 5},
		}},
		{Name: "messages", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "ticket_id", Kind: KindNullInt},
			{Name: "author", Kind: KindText},
			{Name: "author_name", Kind: KindText},
			{Name: "external_id", Kind: KindText},
			// A reply comes after what it answers, so in id order the
			// message it refers to is already in.
			{Name: "reply_to", Kind: KindNullInt},
			{Name: "text", Kind: KindText},
			{Name: "buttons", Kind: KindList},
			{Name: "lang", Kind: KindText},
			{Name: "intent", Kind: KindText},
			{Name: "confidence", Kind: KindReal},
			{Name: "created_at", Kind: KindTime},
		}},
		{Name: "attachments", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "message_id", Kind: KindInt},
			{Name: "kind", Kind: KindText},
			{Name: "file_name", Kind: KindText},
			{Name: "mime", Kind: KindText},
			{Name: "size", Kind: KindInt},
			{Name: "created_at", Kind: KindTime},
			{Name: "data", Kind: KindBlob},
		}},
		{Name: "inbox", OrderBy: "channel, external_id", Columns: []Column{
			{Name: "channel", Kind: KindText},
			{Name: "external_id", Kind: KindText},
			{Name: "received_at", Kind: KindTime},
			{Name: "processed_at", Kind: KindNullTime},
			{Name: "payload", Kind: KindBlob},
		}},
		{Name: "outbox", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "message_id", Kind: KindInt},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "channel", Kind: KindText},
			{Name: "chat_id", Kind: KindText},
			{Name: "text", Kind: KindText},
			{Name: "buttons", Kind: KindList},
			{Name: "status", Kind: KindText},
			{Name: "parts_sent", Kind: KindInt},
			{Name: "attempts", Kind: KindInt},
			{Name: "next_attempt_at", Kind: KindTime},
			{Name: "claimed_until", Kind: KindNullTime},
			{Name: "last_error", Kind: KindText},
			{Name: "created_at", Kind: KindTime},
			{Name: "sent_at", Kind: KindNullTime},
		}},
		{Name: "activity", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "at", Kind: KindTime},
			{Name: "kind", Kind: KindText},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "ticket_id", Kind: KindNullInt},
			{Name: "message_id", Kind: KindNullInt},
			{Name: "channel", Kind: KindText},
			{Name: "lang", Kind: KindText},
			{Name: "author", Kind: KindText},
			{Name: "agent", Kind: KindText},
			{Name: "intent", Kind: KindText},
			{Name: "confidence", Kind: KindReal},
			{Name: "options", Kind: KindList},
			{Name: "reason", Kind: KindText},
			{Name: "queue", Kind: KindText},
			{Name: "from_queue", Kind: KindText},
			{Name: "priority", Kind: KindText},
			{Name: "value", Kind: KindInt},
			{Name: "first_response_due", Kind: KindNullTime},
			{Name: "resolution_due", Kind: KindNullTime},
		}},
		{Name: "incident_notices", OrderBy: "incident_id, conversation_id", Columns: []Column{
			{Name: "incident_id", Kind: KindInt},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "subscribed", Kind: KindBool},
			{Name: "created_at", Kind: KindTime},
			{Name: "notified_at", Kind: KindNullTime},
		}},
	}
}

// ColumnNames lists the table's column names in order.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// FormatVersion is the version of the export format that Writer writes.
// Reader reads it and every earlier one (see Column.Since): a backup made
// by an older firstline imports into a newer one. Version 2 added API
// token ids, names and last use, and the time a conversation was erased;
// version 3 a ticket's version; version 4 when a waiting customer's
// message was last acknowledged, and a customer's e-mail and phone;
// version 5 since when a ticket waits for its customer, and when they
// were reminded; incidents, who is told when they are over, and the
// incident a ticket is linked to.
const FormatVersion = 5

// timeLayout is how times are written in an export: RFC 3339 in UTC, to
// the microsecond, which is as fine as either store keeps them.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// header is the first line of an export.
type header struct {
	Version int      `json:"firstline_export"`
	Tables  []string `json:"tables"`
}

// line is every line of an export after the header: one row of a table.
type line struct {
	Table string                     `json:"table"`
	Row   map[string]json.RawMessage `json:"row"`
}

// Writer writes an export: JSON Lines, a header, then one line per row.
// Values are written as JSON numbers, strings, booleans and null; times as
// RFC 3339 UTC text to the microsecond; blobs as base64; lists as arrays.
type Writer struct {
	w io.Writer
}

// NewWriter writes the header of an export to w.
func NewWriter(w io.Writer) (*Writer, error) {
	var names []string
	for _, t := range Tables() {
		names = append(names, t.Name)
	}
	b, err := json.Marshal(header{Version: FormatVersion, Tables: names})
	if err != nil {
		return nil, fmt.Errorf("write export header: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("write export header: %w", err)
	}
	return &Writer{w: w}, nil
}

// Write writes one row of t. Its values are in the order of t.Columns, as
// Go values of their kind: int64 (KindInt; KindNullInt with 0 for NULL),
// float64, bool, string, time.Time (the zero time for NULL in
// KindNullTime), []byte, []string and []dialog.Candidate.
func (w *Writer) Write(t Table, values []any) error {
	if len(values) != len(t.Columns) {
		return fmt.Errorf("export %s: %d values for %d columns", t.Name, len(values), len(t.Columns))
	}
	row := make(map[string]any, len(values))
	for i, c := range t.Columns {
		v, err := encodeValue(c.Kind, values[i])
		if err != nil {
			return fmt.Errorf("export %s.%s: %w", t.Name, c.Name, err)
		}
		row[c.Name] = v
	}
	b, err := json.Marshal(struct {
		Table string         `json:"table"`
		Row   map[string]any `json:"row"`
	}{t.Name, row})
	if err != nil {
		return fmt.Errorf("export %s: %w", t.Name, err)
	}
	if _, err := w.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("export %s: %w", t.Name, err)
	}
	return nil
}

// encodeValue turns a Go value of kind k into what JSON should show.
func encodeValue(k Kind, v any) (any, error) {
	ok := false
	switch k {
	case KindInt:
		_, ok = v.(int64)
	case KindNullInt:
		var n int64
		if n, ok = v.(int64); ok && n == 0 {
			return nil, nil
		}
	case KindReal:
		_, ok = v.(float64)
	case KindBool:
		_, ok = v.(bool)
	case KindText:
		_, ok = v.(string)
	case KindTime, KindNullTime:
		var t time.Time
		if t, ok = v.(time.Time); ok {
			if t.IsZero() && k == KindNullTime {
				return nil, nil
			}
			return t.UTC().Format(timeLayout), nil
		}
	case KindBlob:
		var b []byte
		if b, ok = v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b), nil
		}
	case KindList:
		var list []string
		if list, ok = v.([]string); ok && list == nil {
			return []string{}, nil
		}
	case KindCandidates:
		var list []dialog.Candidate
		if list, ok = v.([]dialog.Candidate); ok && list == nil {
			return []dialog.Candidate{}, nil
		}
	}
	if !ok {
		return nil, fmt.Errorf("a %T is not a value of kind %s", v, k)
	}
	return v, nil
}

// MaxLineSize is the longest line Reader takes: a row holding the largest
// attachment (dialog.MaxAttachmentSize, base64-encoded) with room to spare.
// A longer line is refused rather than read into memory whole, so that a
// damaged file cannot exhaust it.
const MaxLineSize = 32 << 20

// Reader reads an export written by Writer. Text read back has no NUL
// characters: each is replaced by U+FFFD (see dialog.CleanText), since a
// store refuses text with one, and older SQLite databases may hold some.
type Reader struct {
	r       *bufio.Reader
	line    int
	maxLine int
	tables  map[string]Table
	version int            // the file's format version
	rows    map[string]int // rows read of each table, for ids a file lacks
}

// NewReader reads and checks the header of an export.
func NewReader(r io.Reader) (*Reader, error) {
	return newReader(r, MaxLineSize, Tables())
}

// newReader is NewReader with a limit on lines and a list of tables.
func newReader(r io.Reader, maxLine int, tables []Table) (*Reader, error) {
	rd := &Reader{r: bufio.NewReader(r), maxLine: maxLine, tables: make(map[string]Table)}
	for _, t := range tables {
		rd.tables[t.Name] = t
	}
	b, err := rd.next()
	if err == io.EOF {
		return nil, fmt.Errorf("line 1: the export is empty")
	}
	if err != nil {
		return nil, err
	}
	var h header
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("line 1: not an export header: %w", err)
	}
	if h.Version < 1 || h.Version > FormatVersion {
		return nil, fmt.Errorf("line 1: not a firstline export of version 1 to %d", FormatVersion)
	}
	rd.version = h.Version
	return rd, nil
}

// Line is the number of the line read last, for messages.
func (rd *Reader) Line() int { return rd.line }

// next returns the next line that is not blank, or io.EOF.
func (rd *Reader) next() ([]byte, error) {
	for {
		b, err := rd.readLine()
		if len(b) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("line %d: %w", rd.line+1, err)
		}
		rd.line++
		if len(bytes.TrimSpace(b)) > 0 {
			return b, nil
		}
	}
}

// readLine reads up to and including the next newline, or to the end,
// refusing a line longer than rd.maxLine.
func (rd *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := rd.r.ReadSlice('\n')
		if len(line)+len(chunk) > rd.maxLine {
			return nil, fmt.Errorf("the line is longer than %d bytes", rd.maxLine)
		}
		line = append(line, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// Next reads the next row: its table and its values, in the order and as
// the Go types that Writer.Write takes. At the end it returns io.EOF.
// Errors name the line.
func (rd *Reader) Next() (Table, []any, error) {
	b, err := rd.next()
	if err != nil {
		return Table{}, nil, err
	}
	var l line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Table{}, nil, fmt.Errorf("line %d: not a row: %w", rd.line, err)
	}
	if dec.InputOffset() != int64(len(bytes.TrimRight(b, " \t\r\n"))) {
		return Table{}, nil, fmt.Errorf("line %d: not a row: more after the JSON object", rd.line)
	}
	t, ok := rd.tables[l.Table]
	if !ok {
		return Table{}, nil, fmt.Errorf("line %d: unknown table %q", rd.line, l.Table)
	}
	for name := range l.Row {
		if !slices.Contains(t.ColumnNames(), name) {
			return Table{}, nil, fmt.Errorf("line %d: table %s has no column %q", rd.line, t.Name, name)
		}
	}
	if rd.rows == nil {
		rd.rows = map[string]int{}
	}
	rd.rows[t.Name]++
	values := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		raw, ok := l.Row[c.Name]
		if !ok && c.Since > rd.version {
			raw, ok = rd.defaultValue(t, c), true
		}
		if !ok {
			return Table{}, nil, fmt.Errorf("line %d: %s.%s is missing", rd.line, t.Name, c.Name)
		}
		v, err := decodeValue(c.Kind, raw)
		if err != nil {
			return Table{}, nil, fmt.Errorf("line %d: %s.%s: %w", rd.line, t.Name, c.Name, err)
		}
		values[i] = v
	}
	return t, values, nil
}

// defaultValue is the value of a column that a file of an older format
// lacks: its Default, the row's number in its table for an id, 0 for
// another integer, NULL or empty text otherwise.
func (rd *Reader) defaultValue(t Table, c Column) json.RawMessage {
	switch {
	case c.Default != "":
		return json.RawMessage(c.Default)
	case c.Name == "id" && t.Identity:
		return json.RawMessage(strconv.Itoa(rd.rows[t.Name]))
	case c.Kind == KindText:
		return json.RawMessage(`""`)
	case c.Kind == KindInt:
		return json.RawMessage("0")
	default:
		return json.RawMessage("null")
	}
}

// decodeValue reads a JSON value of kind k into its Go value.
func decodeValue(k Kind, raw json.RawMessage) (any, error) {
	isNull := string(bytes.TrimSpace(raw)) == "null"
	switch k {
	case KindInt, KindNullInt:
		if isNull && k == KindNullInt {
			return int64(0), nil
		}
		var n int64
		if isNull || json.Unmarshal(raw, &n) != nil {
			return nil, fmt.Errorf("%s is not an integer", short(raw))
		}
		return n, nil
	case KindReal:
		var f float64
		if isNull || json.Unmarshal(raw, &f) != nil {
			return nil, fmt.Errorf("%s is not a number", short(raw))
		}
		return f, nil
	case KindBool:
		var b bool
		if isNull || json.Unmarshal(raw, &b) != nil {
			return nil, fmt.Errorf("%s is not true or false", short(raw))
		}
		return b, nil
	case KindText:
		var s string
		if isNull || json.Unmarshal(raw, &s) != nil {
			return nil, fmt.Errorf("%s is not a string", short(raw))
		}
		return dialog.CleanText(s), nil
	case KindTime, KindNullTime:
		if isNull && k == KindNullTime {
			return time.Time{}, nil
		}
		var s string
		if isNull || json.Unmarshal(raw, &s) != nil {
			return nil, fmt.Errorf("%s is not a time", short(raw))
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%s is not an RFC 3339 time", short(raw))
		}
		// Kept to the years both stores and the format can hold.
		if t = t.UTC().Truncate(time.Microsecond); t.Year() < 1 || t.Year() > 9999 {
			return nil, fmt.Errorf("%s is out of the years 1 to 9999", short(raw))
		}
		return t, nil
	case KindBlob:
		var s string
		if isNull || json.Unmarshal(raw, &s) != nil {
			return nil, fmt.Errorf("%s is not a base64 string", short(raw))
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("not base64: %w", err)
		}
		return b, nil
	case KindList:
		var list []string
		if isNull || json.Unmarshal(raw, &list) != nil {
			return nil, fmt.Errorf("%s is not a list of strings", short(raw))
		}
		for i, s := range list {
			list[i] = dialog.CleanText(s)
		}
		return list, nil
	case KindCandidates:
		return decodeCandidates(raw)
	}
	return nil, fmt.Errorf("unknown kind %q", k)
}

// decodeCandidates reads a list of candidates: objects with an intent and
// a confidence, and nothing else.
func decodeCandidates(raw json.RawMessage) ([]dialog.Candidate, error) {
	var list []struct {
		Intent     *string  `json:"intent"`
		Confidence *float64 `json:"confidence"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if string(bytes.TrimSpace(raw)) == "null" || dec.Decode(&list) != nil {
		return nil, fmt.Errorf("%s is not a list of candidates ({\"intent\", \"confidence\"} objects)", short(raw))
	}
	out := make([]dialog.Candidate, len(list))
	for i, c := range list {
		if c.Intent == nil || c.Confidence == nil {
			return nil, fmt.Errorf("candidate %d has no intent or no confidence", i+1)
		}
		out[i] = dialog.Candidate{Intent: dialog.CleanText(*c.Intent), Confidence: *c.Confidence}
	}
	return out, nil
}

// short is a JSON value for a message, cut if long: a damaged line may hold
// megabytes.
func short(raw json.RawMessage) string {
	const most = 64
	if len(raw) <= most {
		return string(raw)
	}
	return strings.ToValidUTF8(string(raw[:most]), "") + "…"
}
