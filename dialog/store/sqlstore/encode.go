package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// timeLayout is how SQLite keeps times, as text: UTC, fixed width, to the
// microsecond, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime is t as the databases keep it: in UTC, to the microsecond
// (PostgreSQL would round what is below; the store drops it instead).
func dbTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// timeArg is t as a query argument.
func (q Queries) timeArg(t time.Time) any {
	return q.d.Time(dbTime(t))
}

// nullTimeArg is t as a query argument, with the zero time as NULL.
func (q Queries) nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return q.timeArg(t)
}

// FormatTime encodes t as SQLite keeps it.
func FormatTime(t time.Time) string {
	return dbTime(t).Format(timeLayout)
}

// timeDest scans a time column into *t, whichever way the database
// returns it (a time.Time from PostgreSQL, text from SQLite), with NULL as
// the zero time.
type timeDest struct {
	t *time.Time
}

// scanTime returns a Scan destination for a time column.
func scanTime(t *time.Time) timeDest {
	return timeDest{t: t}
}

// Scan implements sql.Scanner.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v.UTC()
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", src)
	}
	return nil
}

// parse decodes a time as SQLite keeps it.
func (d timeDest) parse(s string) error {
	t, err := ParseTime(s)
	if err != nil {
		return err
	}
	*d.t = t
	return nil
}

// ParseTime decodes a time written by FormatTime.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

// nullID stores an id of 0 ("none") as NULL, which foreign keys let through.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// readNullID is an id as read: 0 for NULL.
func readNullID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// formatList encodes a list of strings as a JSON array.
func formatList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // a slice of strings cannot fail to encode
	return string(b)
}

// parseList decodes a JSON array written by formatList. An empty list reads
// back as nil.
func parseList(s string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("parse list %q: %w", s, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// scanner is what Row and Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// noRows reports whether err says a query found no row.
func noRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows)
}

// queryAll runs a query and reads every row with scan; op names the
// operation in errors.
func queryAll[T any](ctx context.Context, q Queries, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.q.Query(ctx, query, args...)
	if err != nil {
		return nil, q.d.Err(op, err)
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, q.d.Err(op, err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, q.d.Err(op, err)
	}
	return list, nil
}

// countBy runs a query whose rows are (key, count) and returns them as a
// map.
func countBy(ctx context.Context, q Queries, op, query string, args ...any) (map[string]int, error) {
	type pair struct {
		key string
		n   int
	}
	pairs, err := queryAll(ctx, q, op, func(s scanner) (pair, error) {
		var p pair
		return p, s.Scan(&p.key, &p.n)
	}, query, args...)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(pairs))
	for _, p := range pairs {
		counts[p.key] = p.n
	}
	return counts, nil
}
