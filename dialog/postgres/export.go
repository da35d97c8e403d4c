package postgres

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/schema"
)

// Export writes every row of firstline's tables (schema.Tables) to w in
// the export format of schema.Writer. It reads in one repeatable-read
// transaction, so the export is a consistent snapshot while the store
// keeps serving.
func (db *DB) Export(ctx context.Context, w io.Writer) error {
	pgTx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return storeErr("begin export", err)
	}
	defer db.rollback(ctx, pgTx) // read only: nothing to keep
	ew, err := schema.NewWriter(w)
	if err != nil {
		return err
	}
	for _, t := range schema.Tables() {
		if err := exportTable(ctx, pgTx, ew, t); err != nil {
			return err
		}
	}
	return nil
}

// exportTable writes the rows of one table.
func exportTable(ctx context.Context, q querier, ew *schema.Writer, t schema.Table) error {
	query := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(t.ColumnNames(), ", "), t.Name, t.OrderBy)
	rows, err := q.Query(ctx, query)
	if err != nil {
		return storeErr("export "+t.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		dest := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			dest[i] = scanDest(c.Kind)
		}
		if err := rows.Scan(dest...); err != nil {
			return storeErr("export "+t.Name, err)
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
		return storeErr("export "+t.Name, err)
	}
	return nil
}

// scanDest is where a column of kind k is scanned to.
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
	case schema.KindTime:
		return new(time.Time)
	case schema.KindNullTime:
		return new(*time.Time)
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
	case schema.KindTime:
		return dest.(*time.Time).UTC(), nil
	case schema.KindNullTime:
		return readNullTime(*dest.(**time.Time)), nil
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

// Import reads an export written by Export (of this or any other store)
// into the store, keeping every id, so ticket numbers and the references
// between rows stay as they were. It runs in one transaction and only
// into an empty store; on any error, which names the line of r at fault,
// it changes nothing. Each identity sequence then goes on from the
// largest id imported.
func (db *DB) Import(ctx context.Context, r io.Reader) error {
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return storeErr("begin import", err)
	}
	defer db.rollback(ctx, pgTx) // a no-op after the commit
	// Nothing else may write while the store fills: a row written
	// alongside could take an id the import is about to use.
	for _, t := range schema.Tables() {
		if _, err := pgTx.Exec(ctx, "LOCK TABLE "+t.Name+" IN EXCLUSIVE MODE"); err != nil {
			return storeErr("import: lock "+t.Name, err)
		}
	}
	if err := checkEmpty(ctx, pgTx); err != nil {
		return err
	}
	if err := importRows(ctx, pgTx, r); err != nil {
		return err
	}
	if err := redoMigrations(ctx, pgTx); err != nil {
		return err
	}
	for _, t := range schema.Tables() {
		if !t.Identity {
			continue
		}
		query := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s", t.Name, t.Name)
		if _, err := pgTx.Exec(ctx, query); err != nil {
			return storeErr("import: reset the ids of "+t.Name, err)
		}
	}
	if err := pgTx.Commit(ctx); err != nil {
		return storeErr("commit import", err)
	}
	return nil
}

// redoMigrations makes again the changes to data that migrations made
// after an export of an older version was written, so that importing
// that export does not bring back what they removed: the API tokens of
// disabled users (0003) and the payloads of processed updates, which hold
// customers' words (0004). Both hold for any export, so they run after
// every import.
func redoMigrations(ctx context.Context, q querier) error {
	if _, err := q.Exec(ctx, "DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE disabled)"); err != nil {
		return storeErr("import: revoke the tokens of disabled users", err)
	}
	if _, err := q.Exec(ctx, "UPDATE inbox SET payload = ''::bytea WHERE processed_at IS NOT NULL AND length(payload) > 0"); err != nil {
		return storeErr("import: empty processed inbox payloads", err)
	}
	return nil
}

// checkEmpty fails unless every table of firstline's is empty.
func checkEmpty(ctx context.Context, q querier) error {
	for _, t := range schema.Tables() {
		var found bool
		if err := q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+t.Name+")").Scan(&found); err != nil {
			return storeErr("import: check "+t.Name, err)
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
func importRows(ctx context.Context, q querier, r io.Reader) error {
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
		args := make([]any, len(values))
		marks := make([]string, len(values))
		for i, c := range t.Columns {
			args[i] = writeValue(c.Kind, values[i])
			marks[i] = fmt.Sprintf("$%d", i+1)
			if c.Deferred && args[i] != nil {
				later = append(later, deferredValue{t.Name, c.Name, values[0].(int64), args[i], rd.Line()})
				args[i] = nil
			}
		}
		overriding := ""
		if t.Identity {
			overriding = " OVERRIDING SYSTEM VALUE"
		}
		query := fmt.Sprintf("INSERT INTO %s (%s)%s VALUES (%s)", t.Name,
			strings.Join(t.ColumnNames(), ", "), overriding, strings.Join(marks, ", "))
		if _, err := q.Exec(ctx, query, args...); err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: line %d: insert into %s: %v", rd.Line(), t.Name, err)
		}
	}
	for _, d := range later {
		query := fmt.Sprintf("UPDATE %s SET %s = $1 WHERE id = $2", d.table, d.column)
		if _, err := q.Exec(ctx, query, d.value, d.id); err != nil {
			return dialog.Errorf(dialog.EINVALID, "import: line %d: set %s.%s: %v", d.line, d.table, d.column, err)
		}
	}
	return nil
}

// writeValue turns a Go value of kind k, as schema.Reader returns it, into
// what the column takes.
func writeValue(k schema.Kind, v any) any {
	switch k {
	case schema.KindNullInt:
		if id := nullID(v.(int64)); id != nil {
			return *id
		}
		return nil
	case schema.KindTime:
		return dbTime(v.(time.Time))
	case schema.KindNullTime:
		if t := nullTime(v.(time.Time)); t != nil {
			return *t
		}
		return nil
	case schema.KindList:
		return formatList(v.([]string))
	case schema.KindCandidates:
		return dialog.MarshalCandidates(v.([]dialog.Candidate))
	}
	return v
}
