package sqlstore

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/schema"
)

// exportTables writes every row of firstline's tables (schema.Tables) to
// w in the export format of schema.Writer. q is a transaction of the database
// d speaks for, which the caller begins so that it sees one consistent
// snapshot while the store keeps serving.
func exportTables(ctx context.Context, q Querier, d Dialect, w io.Writer) error {
	ew, err := schema.NewWriter(w)
	if err != nil {
		return err
	}
	qs := NewQueries(q, d)
	for _, t := range schema.Tables() {
		if err := exportTable(ctx, qs, ew, t); err != nil {
			return err
		}
	}
	return nil
}

// exportTable writes the rows of one table.
func exportTable(ctx context.Context, q Queries, ew *schema.Writer, t schema.Table) error {
	query := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(t.ColumnNames(), ", "), t.Name, t.OrderBy)
	rows, err := q.q.Query(ctx, query)
	if err != nil {
		return q.d.Err("export "+t.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		dest := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			dest[i] = scanDest(c.Kind)
		}
		if err := rows.Scan(dest...); err != nil {
			return q.d.Err("export "+t.Name, err)
		}
		values := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			v, err := readValue(c.Kind, dest[i])
			if err != nil {
				return fmt.Errorf("export %s.%s: %w", t.Name, c.Name, err)
			}
			values[i] = v
		}
		if err := ew.Write(t, values); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return q.d.Err("export "+t.Name, err)
	}
	return nil
}

// scanDest is where a column of kind k is scanned to. The same
// destinations serve both databases: a boolean kept as 0 or 1 (SQLite)
// scans into a bool, and a time, kept as text (SQLite) or as a
// timestamptz (PostgreSQL), is decoded by readValue.
func scanDest(k schema.Kind) any {
	switch k {
	case schema.KindInt:
		return new(int64)
	case schema.KindNullInt:
		return new(*int64)
	case schema.KindReal:
		return new(float64)
	case schema.KindBool:
		return new(bool)
	case schema.KindTime, schema.KindNullTime:
		return new(rawTime)
	case schema.KindBlob:
		return new([]byte)
	default: // text, list, candidates (jsonb read as its text)
		return new(string)
	}
}

// readValue turns what scanDest received into the Go value of kind k that
// schema.Writer takes.
func readValue(k schema.Kind, dest any) (any, error) {
	switch k {
	case schema.KindInt:
		return *dest.(*int64), nil
	case schema.KindNullInt:
		return readNullID(*dest.(**int64)), nil
	case schema.KindReal:
		return *dest.(*float64), nil
	case schema.KindBool:
		return *dest.(*bool), nil
	case schema.KindText:
		return *dest.(*string), nil
	case schema.KindTime, schema.KindNullTime:
		src := dest.(*rawTime).src
		if src == nil && k == schema.KindTime {
			return nil, fmt.Errorf("NULL where a time is due")
		}
		var t time.Time // the zero time for NULL
		err := scanTime(&t).Scan(src)
		return t, err
	case schema.KindBlob:
		b := *dest.(*[]byte)
		if b == nil {
			b = []byte{}
		}
		return b, nil
	case schema.KindList:
		return parseList(*dest.(*string))
	case schema.KindCandidates:
		return dialog.UnmarshalCandidates(*dest.(*string))
	}
	return nil, fmt.Errorf("unknown kind %q", k)
}

// rawTime keeps a time column as the database returned it, for
// readValue to decode: its errors then name the column.
type rawTime struct {
	src any
}

// Scan implements sql.Scanner.
func (r *rawTime) Scan(src any) error {
	if b, ok := src.([]byte); ok {
		src = string(b) // the driver may reuse b
	}
	r.src = src
	return nil
}

// importTables reads an export written by Export (of either database)
// into the store, keeping every id, so ticket numbers and the references between
// rows stay as they were. q is a write transaction of the database d
// speaks for, begun by the caller, who commits it when Import returns nil
// and rolls it back otherwise, so that an import changes all or nothing.
// Import takes only an empty store; its errors name the line of r at
// fault. New ids then go on from the largest one imported.
func importTables(ctx context.Context, q Querier, d Dialect, r io.Reader) error {
	qs := NewQueries(q, d)
	// Nothing else may write while the store fills: a row written
	// alongside could take an id the import is about to use.
	for _, t := range schema.Tables() {
		if lock := d.LockTable(t.Name); lock != "" {
			if _, err := q.Exec(ctx, lock); err != nil {
				return d.Err("import: lock "+t.Name, err)
			}
		}
	}
	if err := checkEmpty(ctx, qs); err != nil {
		return err
	}
	if err := importRows(ctx, qs, r); err != nil {
		return err
	}
	if err := redoMigrations(ctx, qs); err != nil {
		return err
	}
	for _, t := range schema.Tables() {
		if !t.Identity {
			continue
		}
		if reset := d.ResetIdentity(t.Name); reset != "" {
			if _, err := q.Exec(ctx, reset); err != nil {
				return d.Err("import: reset the ids of "+t.Name, err)
			}
		}
	}
	return nil
}

// redoMigrations makes again the changes to data that migrations made
// after an export of an older version was written, so that importing
// that export does not bring back what they removed: the API tokens of
// disabled users (api_token_names) and the payloads of processed
// updates, which hold customers' words (erasure). Both hold for any
// export, so they run after every import.
func redoMigrations(ctx context.Context, q Queries) error {
	if _, err := q.q.Exec(ctx, "DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE disabled)"); err != nil {
		return q.d.Err("import: revoke the tokens of disabled users", err)
	}
	// An empty, not nil, slice: both databases keep it as an empty blob.
	if _, err := q.q.Exec(ctx, "UPDATE inbox SET payload = $1 WHERE processed_at IS NOT NULL AND length(payload) > 0", []byte{}); err != nil {
		return q.d.Err("import: empty processed inbox payloads", err)
	}
	return nil
}

// checkEmpty fails unless every table of firstline's is empty.
func checkEmpty(ctx context.Context, q Queries) error {
	for _, t := range schema.Tables() {
		var found bool
		if err := q.q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+t.Name+")").Scan(&found); err != nil {
			return q.d.Err("import: check "+t.Name, err)
		}
		if found {
			return dialog.Errorf(dialog.ECONFLICT, "import: the store is not empty (table %s has rows); import only into a new store", t.Name)
		}
	}
	return nil
}

// deferredValue is a value of a Deferred column, set after every row is in.
type deferredValue struct {
	table, column string
	id            int64
	value         any
	line          int
}

// importRows inserts every row of r.
func importRows(ctx context.Context, q Queries, r io.Reader) error {
	rd, err := schema.NewReader(r)
	if err != nil {
		return dialog.Errorf(dialog.EINVALID, "import: %v", err)
	}
	var later []deferredValue
	for {
		t, values, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: %v", err)
		}
		if err := checkRow(t, values); err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: line %d: %v", rd.Line(), err)
		}
		var a Args
		marks := make([]string, len(values))
		for i, c := range t.Columns {
			v := q.writeValue(c.Kind, values[i])
			if c.Deferred && v != nil {
				later = append(later, deferredValue{t.Name, c.Name, values[0].(int64), v, rd.Line()})
				v = nil
			}
			marks[i] = a.Add(v)
		}
		overriding := ""
		if t.Identity {
			overriding = q.d.OverrideIdentity()
		}
		query := fmt.Sprintf("INSERT INTO %s (%s)%s VALUES (%s)", t.Name,
			strings.Join(t.ColumnNames(), ", "), overriding, strings.Join(marks, ", "))
		if _, err := q.q.Exec(ctx, query, a.List()...); err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: line %d: insert into %s: %v", rd.Line(), t.Name, err)
		}
	}
	for _, d := range later {
		query := fmt.Sprintf("UPDATE %s SET %s = $1 WHERE id = $2", d.table, d.column)
		if _, err := q.q.Exec(ctx, query, d.value, d.id); err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: line %d: set %s.%s: %v", d.line, d.table, d.column, err)
		}
	}
	return nil
}

// checkRow refuses values that the store keeps as text but reads as
// more: a ticket's fields are JSON, and a file that breaks them would make
// the ticket unreadable after the import.
func checkRow(t schema.Table, values []any) error {
	if t.Name != "tickets" {
		return nil
	}
	for i, c := range t.Columns {
		if c.Name != "fields" {
			continue
		}
		if text, ok := values[i].(string); ok {
			if _, err := dialog.UnmarshalFields(text); err != nil {
				return fmt.Errorf("tickets.fields is not a JSON list of {\"name\", \"value\"} objects")
			}
		}
	}
	return nil
}

// writeValue turns a Go value of kind k, as schema.Reader returns it, into
// a query argument for its column, with nil for NULL.
func (q Queries) writeValue(k schema.Kind, v any) any {
	switch k {
	case schema.KindNullInt:
		if id := v.(int64); id != 0 {
			return id
		}
		return nil
	case schema.KindTime:
		return q.timeArg(v.(time.Time))
	case schema.KindNullTime:
		return q.nullTimeArg(v.(time.Time))
	case schema.KindList:
		return formatList(v.([]string))
	case schema.KindCandidates:
		return dialog.MarshalCandidates(v.([]dialog.Candidate))
	}
	return v
}
