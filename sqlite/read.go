package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/aptgraph/aptgraph"
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
	var q query
	if f.Collection != "" {
		id, err := s.collIDs.get(f.Collection, func() (string, error) {
			var id string
			err := s.reader.QueryRowContext(ctx, `SELECT id FROM collections WHERE id = ? OR alias = ?`,
				f.Collection, f.Collection).Scan(&id)
			return id, err
		})
		if err == sql.ErrNoRows {
			return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "collection %q not found", f.Collection)
		} else if err != nil {
			return nil, FormatError(fmt.Errorf("find collection: %w", err))
		}
		// The order, the cursor and date_added are those of the additions to
		// the collection, and first and last count only its versions.
		q.add(`SELECT m.seq, m.date_added, v.tlp, v.modified, v.id, v.type, `+rawColumn(f)+`
			FROM collection_objects m JOIN object_versions v ON v.seq = m.version_seq
			WHERE m.collection_id = ?`, id)
		if f.AfterSeq > 0 {
			q.add(` AND m.seq > ?`, f.AfterSeq)
		}
		if !f.AddedAfter.IsZero() {
			// date_added rises with seq across the store (both are given
			// out under the write lock), so the additions after a time are
			// those from the first one after it on: one probe of the
			// date_added index turns the time into a seq bound on the
			// collection's (collection_id, seq) index, instead of a scan
			// of the collection from its start. The unary + keeps the
			// planner off the date_added index for the outer query.
			q.add(` AND m.seq >= (SELECT seq FROM collection_objects WHERE date_added > ? ORDER BY date_added LIMIT 1)
				AND +m.date_added > ?`, micros(f.AddedAfter), micros(f.AddedAfter))
		}
		newer := func(cmp string) string {
			return `NOT EXISTS (SELECT 1 FROM collection_objects m2 JOIN object_versions v2 ON v2.seq = m2.version_seq
				WHERE m2.collection_id = m.collection_id AND v2.id = v.id AND v2.modified ` + cmp + ` v.modified)`
		}
		// A version that is the newest of its object in the store (latest:
		// one probe of an integer index) is the newest in the collection
		// too; only the others need the search for a newer one in it.
		if err := versionFilter(&q, f, `(v.seq IN (SELECT seq FROM latest) OR `+newer(">")+`)`, newer("<")); err != nil {
			return nil, err
		}
	} else {
		q.add(`SELECT v.seq, v.date_added, v.tlp, v.modified, v.id, v.type, ` + rawColumn(f) + ` FROM object_versions v WHERE 1`)
		if f.AfterSeq > 0 {
			q.add(` AND v.seq > ?`, f.AfterSeq)
		}
		if !f.AddedAfter.IsZero() {
			// As above: a seq bound from one probe of the date_added index.
			q.add(` AND v.seq >= (SELECT seq FROM object_versions WHERE date_added > ? ORDER BY date_added LIMIT 1)
				AND +v.date_added > ?`, micros(f.AddedAfter), micros(f.AddedAfter))
		}
		if err := versionFilter(&q, f, `v.seq IN (SELECT seq FROM latest)`,
			`NOT EXISTS (SELECT 1 FROM object_versions v2 WHERE v2.id = v.id AND v2.modified < v.modified)`); err != nil {
			return nil, err
		}
	}
	q.in(" AND v.id", f.IDs)
	q.in(" AND v.type", f.Types)
	q.in(" AND v.spec_version", f.SpecVersions)
	if f.Name != "" {
		q.add(` AND v.id IN (SELECT id FROM object_names WHERE name = ?)`, aptgraph.NameKey(f.Name))
	}
	if f.MaxTLP != nil {
		q.add(` AND v.tlp <= ?`, int(*f.MaxTLP))
	}
	if f.Collection != "" {
		q.add(` ORDER BY m.seq`)
	} else {
		q.add(` ORDER BY v.seq`)
	}
	if f.Limit > 0 {
		q.add(` LIMIT ?`, f.Limit)
	}

	rows, err := s.stmts.query(ctx, s.reader, q.sql.String(), q.args...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read objects: %w", err))
	}
	defer rows.Close()
	var out []*aptgraph.StoredObject
	if f.Limit > 0 {
		out = make([]*aptgraph.StoredObject, 0, min(f.Limit, 1024))
	}
	for rows.Next() {
		o, err := scanObject(rows, f.RawOnly || f.KeysOnly)
		if err != nil {
			return nil, FormatError(fmt.Errorf("read objects: %w", err))
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(fmt.Errorf("read objects: %w", err))
	}
	return out, nil
}

// rawColumn is the column Objects reads as raw: none (an empty string) for
// KeysOnly.
func rawColumn(f aptgraph.ObjectFilter) string {
	if f.KeysOnly {
		return `''`
	}
	return `v.raw`
}

// versionFilter adds f's choice of versions to q; last and first are the
// conditions that select the newest and the oldest version of an object.
func versionFilter(q *query, f aptgraph.ObjectFilter, last, first string) error {
	versions := f.VersionChoice()
	var conds []string
	var args []any
	for _, v := range versions {
		switch v {
		case aptgraph.VersionAll:
			return nil
		case aptgraph.VersionLast:
			conds = append(conds, last)
		case aptgraph.VersionFirst:
			conds = append(conds, first)
		default:
			t, err := aptgraph.ParseVersionKey(v)
			if err != nil {
				return aptgraph.WrapError(aptgraph.EINVALID, fmt.Sprintf("version %q is not first, last, all or a timestamp", v), err)
			}
			conds = append(conds, `v.modified = ?`)
			args = append(args, aptgraph.DateAddedKey(t))
		}
	}
	q.add(" AND ("+strings.Join(conds, " OR ")+")", args...)
	return nil
}

// Relationships returns the newest versions of the relationships that match
// f, in write order.
func (s *Store) Relationships(ctx context.Context, f aptgraph.RelationshipFilter) ([]*stix.Object, error) {
	var q query
	q.add(`SELECT v.raw FROM relationships r JOIN object_versions v ON v.seq = r.seq WHERE 1`)
	q.in(" AND r.source_ref", f.SourceRefs)
	q.in(" AND r.target_ref", f.TargetRefs)
	q.in(" AND r.relationship_type", f.Types)
	if len(f.AnyRefs) > 0 {
		q.in(" AND (r.source_ref", f.AnyRefs)
		q.in(" OR r.target_ref", f.AnyRefs)
		q.add(")")
	}
	if f.CreatedByRef != "" {
		q.add(` AND r.created_by_ref = ?`, f.CreatedByRef)
	}
	q.add(` ORDER BY r.seq`)
	if f.Limit > 0 {
		q.add(` LIMIT ?`, f.Limit)
	}
	rows, err := s.reader.QueryContext(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read relationships: %w", err))
	}
	defer rows.Close()
	var out []*stix.Object
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, FormatError(fmt.Errorf("read relationships: %w", err))
		}
		o := new(stix.Object)
		if err := json.Unmarshal([]byte(raw), o); err != nil {
			return nil, FormatError(fmt.Errorf("decode relationship: %w", err))
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(fmt.Errorf("read relationships: %w", err))
	}
	return out, nil
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

type scanner interface{ Scan(dest ...any) error }

// scanObject reads a row of seq, date_added, tlp, modified, id, type, raw;
// it decodes the object unless rawOnly.
func scanObject(row scanner, rawOnly bool) (*aptgraph.StoredObject, error) {
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
	if len(o.Raw) == 0 {
		o.Raw = nil // KeysOnly
	}
	if rawOnly {
		return &o, nil
	}
	o.Object = new(stix.Object)
	if err := json.Unmarshal(o.Raw, o.Object); err != nil {
		return nil, fmt.Errorf("decode stored object: %w", err)
	}
	return &o, nil
}

// query builds a statement and its arguments.
type query struct {
	sql  strings.Builder
	args []any
}

func (q *query) add(sql string, args ...any) {
	q.sql.WriteString(sql)
	q.args = append(q.args, args...)
}

// in adds "<prefix> IN (values)" for a non-empty list. The list travels as
// one JSON argument, so that its length meets no limit on parameters.
func (q *query) in(prefix string, values []string) {
	if len(values) == 0 {
		return
	}
	b, _ := json.Marshal(values)
	q.add(prefix+" IN (SELECT value FROM json_each(?))", string(b))
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

// collectionIDs remembers the id of each collection key (id or alias) that
// Objects has resolved, saving a query a call. Collections are never
// deleted, renamed or re-aliased (the store has no method for it), so an
// entry never goes stale; only keys found are kept.
type collectionIDs struct {
	mu  sync.Mutex
	ids map[string]string
}

// get returns the id of key, from the cache or from lookup.
func (c *collectionIDs) get(key string, lookup func() (string, error)) (string, error) {
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := lookup()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.ids == nil || len(c.ids) >= 4096 {
		c.ids = map[string]string{}
	}
	c.ids[key] = id
	c.mu.Unlock()
	return id, nil
}
