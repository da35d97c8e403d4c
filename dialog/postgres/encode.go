package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// now is the current time as it will read back from the database.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// dbTime is t as the database keeps it: PostgreSQL rounds to the
// microsecond, and the store promises to drop what is below instead.
func dbTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime is dbTime with the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = dbTime(t)
	return &t
}

// readNullTime is a NULL-able time as read: zero for NULL, in UTC
// otherwise (pgx reads times in the local zone).
func readNullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
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

// formatList encodes a list of strings as a JSON array, for a jsonb column.
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

// sqlLimit turns a limit where 0 or less means "none" into a LIMIT
// argument: NULL is no limit.
func sqlLimit(limit int) *int {
	if limit <= 0 {
		return nil
	}
	return &limit
}

// scanner is what pgx.Row and pgx.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs a query and reads every row with scan; op names the
// operation in errors.
func queryAll[T any](ctx context.Context, q querier, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
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

// noRows reports whether err says a query found no row.
func noRows(err error) bool {
	return errors.Is(err, pgx.ErrNoRows)
}
