package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// Object returns the newest version of an object.
func (s *Store) Object(ctx context.Context, id string) (*aptgraph.StoredObject, error) {
	row := s.pool.QueryRow(ctx, `SELECT v.seq, v.date_added, v.tlp, v.modified, v.id, v.type, v.raw
		FROM latest l JOIN object_versions v ON v.seq = l.seq WHERE l.id = $1`, id)
	o, err := scanObject(row, false)
	if err == pgx.ErrNoRows {
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
			err := s.pool.QueryRow(ctx, `SELECT id FROM collections WHERE id = $1 OR alias = $1`, f.Collection).Scan(&id)
			return id, err
		})
		if err == pgx.ErrNoRows {
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
			// of the collection from its start.
			t := f.AddedAfter.Truncate(time.Microsecond)
			q.add(` AND m.seq >= (SELECT seq FROM collection_objects WHERE date_added > ? ORDER BY date_added LIMIT 1)
				AND m.date_added > ?`, t, t)
		}
		newer := func(cmp string) string {
			return `NOT EXISTS (SELECT 1 FROM collection_objects m2 JOIN object_versions v2 ON v2.seq = m2.version_seq
				WHERE m2.collection_id = m.collection_id AND v2.id = v.id AND v2.modified ` + cmp + ` v.modified)`
		}
		// A version that is the newest of its object in the store (latest:
		// one probe of an integer index) is the newest in the collection
		// too; only the others need the search for a newer one in it.
		if err := versionFilter(&q, f, `(EXISTS (SELECT 1 FROM latest l WHERE l.seq = v.seq) OR `+newer(">")+`)`, newer("<")); err != nil {
			return nil, err
		}
	} else {
		q.add(`SELECT v.seq, v.date_added, v.tlp, v.modified, v.id, v.type, ` + rawColumn(f) + ` FROM object_versions v WHERE true`)
		if f.AfterSeq > 0 {
			q.add(` AND v.seq > ?`, f.AfterSeq)
		}
		if !f.AddedAfter.IsZero() {
			// As above: a seq bound from one probe of the date_added index.
			t := f.AddedAfter.Truncate(time.Microsecond)
			q.add(` AND v.seq >= (SELECT seq FROM object_versions WHERE date_added > ? ORDER BY date_added LIMIT 1)
				AND v.date_added > ?`, t, t)
		}
		if err := versionFilter(&q, f, `EXISTS (SELECT 1 FROM latest l WHERE l.seq = v.seq)`,
			`NOT EXISTS (SELECT 1 FROM object_versions v2 WHERE v2.id = v.id AND v2.modified < v.modified)`); err != nil {
			return nil, err
		}
	}
	q.in(" AND v.id", f.IDs)
	q.in(" AND v.type", f.Types)
	q.in(" AND v.spec_version", f.SpecVersions)
	if f.Name != "" {
		q.add(` AND v.id IN (SELECT id FROM object_names WHERE name = ?)`, clean(aptgraph.NameKey(f.Name)))
	}
	if f.MaxTLP != nil {
		q.add(` AND v.tlp <= ?`, int16(*f.MaxTLP))
	}
	if f.Collection != "" {
		q.add(` ORDER BY m.seq`)
	} else {
		q.add(` ORDER BY v.seq`)
	}
	if f.Limit > 0 {
		q.add(` LIMIT ?`, f.Limit)
	}

	rows, err := s.pool.Query(ctx, q.sql.String(), q.args...)
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
	var keys []string
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
			keys = append(keys, aptgraph.DateAddedKey(t))
		}
	}
	var args []any
	if len(keys) > 0 {
		conds = append(conds, `v.modified = ANY(?)`)
		args = append(args, keys)
	}
	q.add(" AND ("+strings.Join(conds, " OR ")+")", args...)
	return nil
}

// Relationships returns the newest versions of the relationships that match
// f, in write order.
func (s *Store) Relationships(ctx context.Context, f aptgraph.RelationshipFilter) ([]*stix.Object, error) {
	var q query
	q.add(`SELECT v.raw FROM relationships r JOIN object_versions v ON v.seq = r.seq WHERE true`)
	q.in(" AND r.source_ref", f.SourceRefs)
	q.in(" AND r.target_ref", f.TargetRefs)
	q.in(" AND r.relationship_type", f.Types)
	if len(f.AnyRefs) > 0 {
		q.add(` AND (r.source_ref = ANY(?) OR r.target_ref = ANY(?))`, f.AnyRefs, f.AnyRefs)
	}
	if f.CreatedByRef != "" {
		q.add(` AND r.created_by_ref = ?`, f.CreatedByRef)
	}
	q.add(` ORDER BY r.seq`)
	if f.Limit > 0 {
		q.add(` LIMIT ?`, f.Limit)
	}
	rows, err := s.pool.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read relationships: %w", err))
	}
	defer rows.Close()
	var out []*stix.Object
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, FormatError(fmt.Errorf("read relationships: %w", err))
		}
		o := new(stix.Object)
		if err := json.Unmarshal(raw, o); err != nil {
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
	err := s.pool.QueryRow(ctx, `SELECT text FROM reports WHERE id = $1`, reportID).Scan(&text)
	switch {
	case err == pgx.ErrNoRows || err == nil && text == "":
		return "", aptgraph.Errorf(aptgraph.ENOTFOUND, "no text stored for report %s", reportID)
	case err != nil:
		return "", FormatError(fmt.Errorf("read report text: %w", err))
	}
	return text, nil
}

// scanObject reads a row of seq, date_added, tlp, modified, id, type, raw;
// it decodes the object unless rawOnly.
func scanObject(row pgx.Row, rawOnly bool) (*aptgraph.StoredObject, error) {
	var (
		o   aptgraph.StoredObject
		tlp int16
		raw []byte
	)
	if err := row.Scan(&o.Seq, &o.DateAdded, &tlp, &o.Version, &o.ID, &o.Type, &raw); err != nil {
		return nil, err
	}
	o.DateAdded, o.TLP, o.Raw = o.DateAdded.UTC(), stix.TLP(tlp), json.RawMessage(raw)
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

// query builds a statement and its arguments; add turns each ? into the
// next $n.
type query struct {
	sql  strings.Builder
	args []any
}

func (q *query) add(sql string, args ...any) {
	for {
		i := strings.IndexByte(sql, '?')
		if i < 0 {
			break
		}
		q.sql.WriteString(sql[:i])
		q.sql.WriteString("$" + strconv.Itoa(len(q.args)+1))
		q.args = append(q.args, args[0])
		args = args[1:]
		sql = sql[i+1:]
	}
	q.sql.WriteString(sql)
}

// in adds "<prefix> = ANY(values)" for a non-empty list.
func (q *query) in(prefix string, values []string) {
	if len(values) == 0 {
		return
	}
	q.add(prefix+" = ANY(?)", values)
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
