package sqlstore

import (
	"strconv"
	"strings"
)

// Args collects the arguments of a query built piece by piece, and the
// conditions of its WHERE clause.
type Args struct {
	list  []any
	where []string
}

// Add adds an argument and returns its placeholder.
func (a *Args) Add(v any) string {
	a.list = append(a.list, v)
	return "$" + strconv.Itoa(len(a.list))
}

// Where adds a condition; the conditions are joined with AND.
func (a *Args) Where(cond string) {
	a.where = append(a.where, cond)
}

// WhereClause returns " WHERE " and the conditions, or "" when there are
// none.
func (a *Args) WhereClause() string {
	if len(a.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(a.where, " AND ")
}

// List returns the arguments, in placeholder order.
func (a *Args) List() []any {
	return a.list
}
