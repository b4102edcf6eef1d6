package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"unsafe"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
	"github.com/aptgraph/aptgraph/stix"
)

// Object returns the newest version of an object.
func (s *Store) Object(ctx context.Context, id string) (*aptgraph.StoredObject, error) {
	row := s.reader.QueryRowContext(ctx, `SELECT v.seq, v.date_added, v.tlp, v.modified, v.id, v.type, v.raw
		FROM latest l JOIN object_versions v ON v.seq = l.seq WHERE l.id = ?`, id)
	o, err := scanObject(row, false)
	if err == sql.ErrNoRows {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "object %s not found", id)
	} else if err != nil {
		return nil, FormatError(fmt.Errorf("read object %s: %w", id, err))
	}
	return o, nil
}

// Objects returns the objects that match f, in write order.
func (s *Store) Objects(ctx context.Context, f aptgraph.ObjectFilter) ([]*aptgraph.StoredObject, error) {
	var collection string
	if f.Collection != "" {
		var err error
		collection, err = s.collIDs.Get(f.Collection, func() (string, error) {
			return collectionID(ctx, s.reader, f.Collection)
		})
		if err != nil {
			return nil, err
		}
	}
	q, err := storesql.ObjectsQuery(sqlDialect, f, collection)
	if err != nil {
		return nil, err
	}
	rows, err := s.stmts.query(ctx, s.reader, q.SQL(), q.Args()...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read objects: %w", err))
	}
	defer rows.Close()
	out, err := storesql.ReadObjects(rows, f, scanObject)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read objects: %w", err))
	}
	return out, nil
}

// Relationships returns the newest versions of the relationships that match
// f, in write order.
func (s *Store) Relationships(ctx context.Context, f aptgraph.RelationshipFilter) ([]*stix.Object, error) {
	q := storesql.RelationshipsQuery(sqlDialect, f)
	out, err := collect(ctx, s.reader, storesql.ScanRelationship, q.SQL(), q.Args()...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read relationships: %w", err))
	}
	return out, nil
}

// collect runs a query on db and reads each row of its result with scan.
func collect[T any](ctx context.Context, db *sql.DB, scan func(storesql.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return storesql.AppendRows(nil, rows, scan)
}

// ReportText returns the normalised text stored with a report.
func (s *Store) ReportText(ctx context.Context, reportID string) (string, error) {
	var text string
	err := s.reader.QueryRowContext(ctx, `SELECT text FROM reports WHERE id = ?`, reportID).Scan(&text)
	switch {
	case err == sql.ErrNoRows || err == nil && text == "":
		return "", aptgraph.Errorf(aptgraph.ENOTFOUND, "no text stored for report %s", reportID)
	case err != nil:
		return "", FormatError(fmt.Errorf("read report text: %w", err))
	}
	return text, nil
}

// scanObject reads a row of storesql.ObjectsQuery; it decodes the object
// unless rawOnly.
func scanObject(row storesql.Row, rawOnly bool) (*aptgraph.StoredObject, error) {
	var (
		o         aptgraph.StoredObject
		dateAdded int64
		tlp       int
		raw       string
	)
	if err := row.Scan(&o.Seq, &dateAdded, &tlp, &o.Version, &o.ID, &o.Type, &raw); err != nil {
		return nil, err
	}
	// The driver hands TEXT over as a fresh string that nothing else
	// holds, so Raw may share its bytes instead of copying them.
	o.DateAdded, o.TLP, o.Raw = fromMicros(dateAdded), stix.TLP(tlp), json.RawMessage(unsafe.Slice(unsafe.StringData(raw), len(raw)))
	if err := storesql.DecodeObject(&o, rawOnly); err != nil {
		return nil, err
	}
	return &o, nil
}

// stmtCache keeps prepared read statements by their SQL text, so that the
// frequent shapes of Objects (a TAXII page, a cursor read) are parsed and
// planned once per connection rather than once per call. The shapes are
// few: list filters travel as one JSON argument, so the text does not
// depend on their length.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the cache; past it, other shapes are prepared per call.
const maxStmts = 128

// query runs text with args on db, through a cached prepared statement.
func (c *stmtCache) query(ctx context.Context, db *sql.DB, text string, args ...any) (*sql.Rows, error) {
	st, err := c.get(ctx, db, text)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return db.QueryContext(ctx, text, args...)
	}
	return st.QueryContext(ctx, args...)
}

// get returns a prepared statement of text on db, or nil when the cache is
// full and text is not in it.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[text]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxStmts {
		return nil, nil
	}
	st, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[text] = st
	return st, nil
}

// close closes the cached statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.stmts {
		st.Close()
		delete(c.stmts, k)
	}
}
