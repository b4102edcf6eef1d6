package sqlite

import (
	"encoding/json"
	"time"

	"github.com/aptgraph/aptgraph/internal/storesql"
)

// dialect is SQLite's storesql.Dialect.
type dialect struct{}

var sqlDialect storesql.Dialect = dialect{}

func (dialect) Placeholder(int) string { return "?" }

// In sends the list as one JSON argument, which json_each reads.
func (dialect) In(expr string, values []string) (string, any) {
	b, _ := json.Marshal(values)
	return expr + " IN (SELECT value FROM json_each(?))", string(b)
}

func (dialect) Time(t time.Time) any { return micros(t) }

func (dialect) Text(s string) string { return s }

// Newest reads latest as a list: SQLite runs the subquery once, as an
// index of seqs to probe.
func (dialect) Newest(seq string) string { return seq + " IN (SELECT seq FROM latest)" }

// Unindexed uses SQLite's unary +, which keeps the planner off col's index.
func (dialect) Unindexed(col string) string { return "+" + col }
