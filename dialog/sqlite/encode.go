package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// timeLayout is how times are stored: UTC, fixed width, to the microsecond,
// so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// now is the current time as it will read back from the database.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// formatTime encodes t for storage, dropping anything below a microsecond.
func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// parseTime decodes a time written by formatTime.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

// formatNullTime encodes t for storage, with the zero time as NULL.
func formatNullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

// parseNullTime decodes a time written by formatNullTime.
func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// nullID stores an id of 0 ("none") as NULL, which foreign keys let through.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
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

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs a query and reads every row with scan; op names the
// operation in errors.
func queryAll[T any](ctx context.Context, q querier, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeErr(op, err)
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, storeErr(op, err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, storeErr(op, err)
	}
	return list, nil
}

// countBy runs a query whose rows are (key, count) and returns them as a
// map.
func countBy(ctx context.Context, q querier, op, query string, args ...any) (map[string]int, error) {
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

// sqlLimit turns a limit where 0 or less means "none" into SQLite's, where
// a negative LIMIT means none.
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}
