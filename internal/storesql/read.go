package storesql

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// ObjectsQuery returns the statement of aptgraph.Store.Objects for f; it
// reads rows of seq, date_added, tlp, modified, id, type and raw, which
// ReadObjects reads. collection is the id that f.Collection names, "" when
// f has none.
func ObjectsQuery(d Dialect, f aptgraph.ObjectFilter, collection string) (*Query, error) {
	q := NewQuery(d)
	// list is the alias of the rows listed, whose seq orders them and is
	// the cursor, and which give date_added: the versions themselves (v) or,
	// in a collection, the additions to it (m), in its table.
	list, table := "v", "object_versions"
	last := d.Newest("v.seq")
	first := `NOT EXISTS (SELECT 1 FROM object_versions v2 WHERE v2.id = v.id AND v2.modified < v.modified)`
	if collection == "" {
		q.Add(`SELECT v.seq, v.date_added, v.tlp, v.modified, v.id, v.type, ` + rawColumn(f) + ` FROM object_versions v WHERE true`)
	} else {
		list, table = "m", "collection_objects"
		q.Add(`SELECT m.seq, m.date_added, v.tlp, v.modified, v.id, v.type, `+rawColumn(f)+`
			FROM collection_objects m JOIN object_versions v ON v.seq = m.version_seq
			WHERE m.collection_id = ?`, collection)
		// First and last count only the collection's versions. A version
		// that is the newest of its object in the store (latest: one probe
		// of an integer index) is the newest in the collection too; only
		// the others need the search for a newer one in it.
		newer := func(cmp string) string {
			return `NOT EXISTS (SELECT 1 FROM collection_objects m2 JOIN object_versions v2 ON v2.seq = m2.version_seq
				WHERE m2.collection_id = m.collection_id AND v2.id = v.id AND v2.modified ` + cmp + ` v.modified)`
		}
		last, first = `(`+last+` OR `+newer(">")+`)`, newer("<")
	}
	if f.AfterSeq > 0 {
		q.Add(` AND `+list+`.seq > ?`, f.AfterSeq)
	}
	if !f.AddedAfter.IsZero() {
		// date_added rises with seq across the store (both are given out
		// under the write lock), so the rows after a time are those from
		// the first one after it on: one probe of the date_added index
		// turns the time into a seq bound on the seq index (in a
		// collection, its (collection_id, seq) one), instead of a scan from
		// the start.
		t := d.Time(f.AddedAfter)
		q.Add(` AND `+list+`.seq >= (SELECT seq FROM `+table+` WHERE date_added > ? ORDER BY date_added LIMIT 1)
			AND `+d.Unindexed(list+`.date_added`)+` > ?`, t, t)
	}
	if err := versionFilter(q, f, last, first); err != nil {
		return nil, err
	}
	q.In(" AND v.id", f.IDs)
	q.In(" AND v.type", f.Types)
	q.In(" AND v.spec_version", f.SpecVersions)
	if f.Name != "" {
		q.Add(` AND v.id IN (SELECT id FROM object_names WHERE name = ?)`, d.Text(aptgraph.NameKey(f.Name)))
	}
	if f.MaxTLP != nil {
		q.Add(` AND v.tlp <= ?`, int(*f.MaxTLP))
	}
	q.Add(` ORDER BY ` + list + `.seq`)
	if f.Limit > 0 {
		q.Add(` LIMIT ?`, f.Limit)
	}
	return q, nil
}

// ReadObjects reads the result of ObjectsQuery for f with scan, which reads
// a row and decodes its object unless rawOnly (see DecodeObject).
func ReadObjects(rows Rows, f aptgraph.ObjectFilter, scan func(row Row, rawOnly bool) (*aptgraph.StoredObject, error)) ([]*aptgraph.StoredObject, error) {
	var out []*aptgraph.StoredObject
	if f.Limit > 0 {
		out = make([]*aptgraph.StoredObject, 0, min(f.Limit, 1024))
	}
	rawOnly := f.RawOnly || f.KeysOnly
	return AppendRows(out, rows, func(row Row) (*aptgraph.StoredObject, error) { return scan(row, rawOnly) })
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
func versionFilter(q *Query, f aptgraph.ObjectFilter, last, first string) error {
	var conds, keys []string
	for _, v := range f.VersionChoice() {
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
		cond, arg := q.d.In(`v.modified`, keys)
		conds, args = append(conds, cond), append(args, arg)
	}
	q.Add(" AND ("+strings.Join(conds, " OR ")+")", args...)
	return nil
}

// DecodeObject completes o, whose columns a row of ObjectsQuery has filled:
// an empty raw (KeysOnly) becomes nil, and the object is decoded unless
// rawOnly.
func DecodeObject(o *aptgraph.StoredObject, rawOnly bool) error {
	if len(o.Raw) == 0 {
		o.Raw = nil
	}
	if rawOnly {
		return nil
	}
	o.Object = new(stix.Object)
	if err := json.Unmarshal(o.Raw, o.Object); err != nil {
		return fmt.Errorf("decode stored object: %w", err)
	}
	return nil
}

// RelationshipsQuery returns the statement of aptgraph.Store.Relationships
// for f; ScanRelationship reads its rows.
func RelationshipsQuery(d Dialect, f aptgraph.RelationshipFilter) *Query {
	q := NewQuery(d)
	q.Add(`SELECT v.raw FROM relationships r JOIN object_versions v ON v.seq = r.seq WHERE true`)
	q.In(" AND r.source_ref", f.SourceRefs)
	q.In(" AND r.target_ref", f.TargetRefs)
	q.In(" AND r.relationship_type", f.Types)
	if len(f.AnyRefs) > 0 {
		q.In(" AND (r.source_ref", f.AnyRefs)
		q.In(" OR r.target_ref", f.AnyRefs)
		q.Add(")")
	}
	if f.CreatedByRef != "" {
		q.Add(` AND r.created_by_ref = ?`, f.CreatedByRef)
	}
	q.Add(` ORDER BY r.seq`)
	if f.Limit > 0 {
		q.Add(` LIMIT ?`, f.Limit)
	}
	return q
}

// ScanRelationship reads a row of RelationshipsQuery.
func ScanRelationship(row Row) (*stix.Object, error) {
	var raw []byte
	if err := row.Scan(&raw); err != nil {
		return nil, err
	}
	o := new(stix.Object)
	if err := json.Unmarshal(raw, o); err != nil {
		return nil, fmt.Errorf("decode relationship: %w", err)
	}
	return o, nil
}

// CollectionIDs remembers the id of each collection key (id or alias) that
// Objects has resolved, saving a query a call. Collections are never
// deleted, renamed or re-aliased (the store has no method for it), so an
// entry never goes stale; only keys found are kept. The zero value is empty
// and ready.
type CollectionIDs struct {
	mu  sync.Mutex
	ids map[string]string
}

// Get returns the id of key, from the cache or from lookup.
func (c *CollectionIDs) Get(key string, lookup func() (string, error)) (string, error) {
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

// NameColumns are the columns of the names table that ScanNameRecord reads,
// in its order.
const NameColumns = `norm, kind, group_key, name, group_name, source, coiner, score`

// ScanNameRecord reads a row of NameColumns.
func ScanNameRecord(row Row) (*aptgraph.NameRecord, error) {
	var r aptgraph.NameRecord
	if err := row.Scan(&r.Norm, &r.Kind, &r.GroupKey, &r.Name, &r.GroupName, &r.Source, &r.Coiner, &r.Score); err != nil {
		return nil, err
	}
	return &r, nil
}
