package postgres

import (
	"strconv"
	"time"

	"github.com/aptgraph/aptgraph/internal/storesql"
)

// dialect is PostgreSQL's storesql.Dialect.
type dialect struct{}

var sqlDialect storesql.Dialect = dialect{}

func (dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// In sends the list as one array argument.
func (dialect) In(expr string, values []string) (string, any) {
	return expr + " = ANY(?)", values
}

// Time truncates t to the microsecond that timestamptz keeps.
func (dialect) Time(t time.Time) any { return t.Truncate(time.Microsecond) }

func (dialect) Text(s string) string { return clean(s) }

func (dialect) Newest(seq string) string {
	return "EXISTS (SELECT 1 FROM latest l WHERE l.seq = " + seq + ")"
}

// Unindexed needs nothing: PostgreSQL's planner takes the seq bound.
func (dialect) Unindexed(col string) string { return col }
