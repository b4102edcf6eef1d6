// Package storesql holds what aptgraph's two SQL store engines, sqlite and
// postgres, share: the statements whose SQL is the same on both but for how
// parameters and lists are written, the reading of their rows, and the rules
// both apply in Go. It knows no driver: an engine describes its SQL with a
// Dialect and hands its rows over as Rows, which database/sql and pgx rows
// both are.
package storesql

import (
	"strings"
	"time"
)

// Dialect is what the shared statements need to know of an engine's SQL.
type Dialect interface {
	// Placeholder returns the marker of the nth parameter of a statement,
	// counted from 1: "?" in SQLite, "$n" in PostgreSQL.
	Placeholder(n int) string

	// In returns the condition that expr is one of values, with one ? for
	// its one argument, arg: a list of any length is a single parameter, so
	// that it meets no limit on their number and the statement's text does
	// not depend on it.
	In(expr string, values []string) (cond string, arg any)

	// Time returns t as the schema keeps times, to compare with a column.
	Time(t time.Time) any

	// Text returns s as the engine stores text, to compare with a column
	// the engine wrote s into.
	Text(s string) string

	// Newest returns the condition that the version whose seq is the
	// column seq is the newest of its object in the store. Engines word it
	// differently, each as its planner runs it fastest.
	Newest(seq string) string

	// Unindexed returns col so that the planner does not use an index on it
	// for the condition it stands in: where a seq bound on another index is
	// the better way in, SQLite's planner would otherwise take the
	// date_added index.
	Unindexed(col string) string
}

// Query builds a statement and its arguments in a dialect. Add and In write
// each ? of their text as the dialect's marker of the next parameter.
type Query struct {
	d    Dialect
	sql  strings.Builder
	args []any
}

// NewQuery returns an empty statement in dialect d.
func NewQuery(d Dialect) *Query { return &Query{d: d} }

// Add appends text to the statement, and args, one for each ? in text, to
// its arguments.
func (q *Query) Add(text string, args ...any) {
	for {
		i := strings.IndexByte(text, '?')
		if i < 0 {
			break
		}
		q.sql.WriteString(text[:i])
		q.args = append(q.args, args[0])
		q.sql.WriteString(q.d.Placeholder(len(q.args)))
		args = args[1:]
		text = text[i+1:]
	}
	q.sql.WriteString(text)
}

// In appends "<prefix> is one of values" for a non-empty list, and nothing
// for an empty one.
func (q *Query) In(prefix string, values []string) {
	if len(values) == 0 {
		return
	}
	cond, arg := q.d.In(prefix, values)
	q.Add(cond, arg)
}

// SQL returns the statement's text.
func (q *Query) SQL() string { return q.sql.String() }

// Args returns the statement's arguments, in the order of its parameters.
func (q *Query) Args() []any { return q.args }

// Row is a row of a result, or a result of one row.
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result being read; *sql.Rows and pgx.Rows both are one. Closing
// it is left to whoever ran the statement, as the two close differently.
type Rows interface {
	Row
	Next() bool
	Err() error
}

// AppendRows appends to dst what scan reads of each row of rows, and
// returns the extended slice, or the first error of scan or of rows.
func AppendRows[T any](dst []T, rows Rows, scan func(Row) (T, error)) ([]T, error) {
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return dst, nil
}
