package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
	"github.com/aptgraph/aptgraph/stix"
)

// Write stores a batch in one transaction; see aptgraph.Store.
//
// It works in three steps of one round trip or so each, whatever the size
// of the batch: it reads what is stored of the batch's objects, decides in
// Go what to write (as the SQLite store does, one object at a time), and
// sends all the rows as arrays, one statement per table.
func (s *Store) Write(ctx context.Context, b *aptgraph.Batch) (*aptgraph.WriteResult, error) {
	objs, err := b.Prepare()
	if err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, FormatError(fmt.Errorf("begin write: %w", err))
	}
	defer tx.Rollback(context.Background())

	// Held to the end of the transaction: see the package comment.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "aptgraph.write"); err != nil {
		return nil, FormatError(fmt.Errorf("write: lock: %w", err))
	}
	p := &plan{s: s, b: b, latest: map[string]*version{}, versions: map[string]map[string]*version{},
		reportText: map[string]string{}, members: map[int64]bool{}, isIndexed: map[string]bool{}, added: map[*version]bool{}}
	if err := p.load(ctx, tx, objs); err != nil {
		return nil, err
	}
	var res aptgraph.WriteResult
	for _, o := range objs {
		if err := p.object(o, &res); err != nil {
			return nil, fmt.Errorf("write %s: %w", o.ID, err)
		}
	}
	if err := p.save(ctx, tx); err != nil {
		return nil, err
	}
	changed := len(p.rows) > 0 || len(p.additions) > 0
	if changed {
		// Delivered at commit, to the listeners of every process (see
		// WriteCount).
		if _, err := tx.Exec(ctx, `SELECT pg_notify('`+notifyChannel+`', current_schema())`); err != nil {
			return nil, FormatError(fmt.Errorf("write: notify: %w", err))
		}
	}
	if s.beforeCommit != nil {
		if err := s.beforeCommit(); err != nil {
			return nil, err
		}
	}
	err = tx.Commit(ctx)
	if changed {
		s.feed.wrote() // even when the commit's outcome is unknown
	}
	if err != nil {
		return nil, FormatError(fmt.Errorf("commit write: %w", err))
	}
	return &res, nil
}

// version is a version of an object, stored or about to be.
type version struct {
	obj       *stix.Object // nil until needed, for stored versions
	raw       []byte
	key       string
	seq       int64 // stored versions; new ones get theirs in save
	row       int   // new versions: the index in plan.rows, else -1
	dateAdded time.Time
}

// plan is one Write in progress: what is stored of its objects, and the
// rows it will add.
type plan struct {
	s          *Store
	b          *aptgraph.Batch
	collection string
	last       time.Time

	latest     map[string]*version            // by id: the newest version, stored or new
	versions   map[string]map[string]*version // by id and key: stored (without Merge) and new versions
	reportText map[string]string              // by report id: the stored text
	members    map[int64]bool                 // stored versions already in the collection

	rows      []*version      // new versions, in write order
	indexed   []string        // ids whose newest version changed, in order
	isIndexed map[string]bool // the ids in indexed
	additions []*version      // versions to add to the collection, in order
	added     map[*version]bool
	addedAt   []time.Time
	textSet   bool // b.Text replaces the stored text
}

// load reads, in one round trip, the stored state the batch's objects meet.
func (p *plan) load(ctx context.Context, tx pgx.Tx, objs []*stix.Object) error {
	ids := make([]string, len(objs))
	var reports []string
	for i, o := range objs {
		ids[i] = o.ID
		if o.Type == "report" {
			reports = append(reports, o.ID)
		}
	}
	if p.b.Report != nil {
		reports = append(reports, p.b.Report.ID)
	}

	var q pgx.Batch
	if p.b.Collection != "" {
		q.Queue(`SELECT id FROM collections WHERE id = $1 OR alias = $1`, p.b.Collection).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&p.collection)
			if err == pgx.ErrNoRows {
				return aptgraph.Errorf(aptgraph.ENOTFOUND, "collection %q not found", p.b.Collection)
			}
			return err
		})
		q.Queue(`SELECT m.version_seq FROM collection_objects m JOIN object_versions v ON v.seq = m.version_seq
			JOIN collections c ON c.id = m.collection_id
			WHERE (c.id = $1 OR c.alias = $1) AND v.id = ANY($2)`, p.b.Collection, ids).Query(func(rows pgx.Rows) error {
			var seq int64
			_, err := pgx.ForEachRow(rows, []any{&seq}, func() error { p.members[seq] = true; return nil })
			return err
		})
	}
	q.Queue(`SELECT greatest((SELECT max(date_added) FROM object_versions), (SELECT max(date_added) FROM collection_objects))`).
		QueryRow(func(row pgx.Row) error {
			var last *time.Time
			if err := row.Scan(&last); err != nil {
				return err
			}
			if last != nil {
				p.last = *last
			}
			return nil
		})
	q.Queue(`SELECT l.id, v.seq, v.modified, v.raw FROM latest l JOIN object_versions v ON v.seq = l.seq
		WHERE l.id = ANY($1)`, ids).Query(func(rows pgx.Rows) error {
		var id string
		var v version
		_, err := pgx.ForEachRow(rows, []any{&id, &v.seq, &v.key, &v.raw}, func() error {
			c := v
			c.row = -1
			p.latest[id] = &c
			return nil
		})
		return err
	})
	if !p.b.Merge {
		q.Queue(`SELECT id, modified, seq FROM object_versions WHERE id = ANY($1)`, ids).Query(func(rows pgx.Rows) error {
			var id, key string
			var seq int64
			_, err := pgx.ForEachRow(rows, []any{&id, &key, &seq}, func() error {
				p.addVersion(id, &version{key: key, seq: seq, row: -1})
				return nil
			})
			return err
		})
	}
	if len(reports) > 0 {
		q.Queue(`SELECT id, text FROM reports WHERE id = ANY($1)`, reports).Query(func(rows pgx.Rows) error {
			var id, text string
			_, err := pgx.ForEachRow(rows, []any{&id, &text}, func() error { p.reportText[id] = text; return nil })
			return err
		})
	}
	if err := tx.SendBatch(ctx, &q).Close(); err != nil {
		return FormatError(fmt.Errorf("write: read stored state: %w", err))
	}
	if r := p.b.Report; r != nil && p.b.Text != "" && p.b.Text != p.reportText[r.ID] {
		p.reportText[r.ID], p.textSet = p.b.Text, true
	}
	return nil
}

func (p *plan) nextDateAdded() time.Time {
	p.last = aptgraph.NextDateAdded(p.s.now(), p.last)
	return p.last
}

// object decides what to write for one object of the batch; its rules are
// the SQLite store's, on the state in memory.
func (p *plan) object(o *stix.Object, res *aptgraph.WriteResult) error {
	cur := p.latest[o.ID]
	write := o
	key := ""
	var existing *version // the version o is, when it is stored or written already
	if p.b.Merge && cur != nil {
		if cur.obj == nil {
			cur.obj = new(stix.Object)
			if err := json.Unmarshal(cur.raw, cur.obj); err != nil {
				return fmt.Errorf("read stored version: %w", err)
			}
		}
		merged, changed := aptgraph.MergeObject(cur.obj, o)
		if !changed {
			existing = cur
		} else {
			write = merged
			key = aptgraph.VersionKey(merged)
		}
	} else {
		key = aptgraph.VersionKey(o)
		switch {
		case key != "":
			existing = p.versions[o.ID][key]
		case cur != nil:
			raw, err := aptgraph.EncodeObject(o)
			if err != nil {
				return err
			}
			if string(raw) == string(cur.raw) {
				existing = cur
			}
		}
	}
	if existing != nil {
		res.Unchanged++
		p.addToCollection(existing)
		return nil
	}

	v := &version{obj: write, key: key, row: len(p.rows), dateAdded: p.nextDateAdded()}
	if v.key == "" || (p.b.Merge && cur != nil && v.key <= cur.key) {
		v.key = aptgraph.DateAddedKey(v.dateAdded)
		if cur != nil && v.key <= cur.key {
			t, _ := aptgraph.ParseVersionKey(cur.key)
			v.key = aptgraph.DateAddedKey(t.Add(time.Nanosecond))
		}
	}
	raw, err := aptgraph.EncodeObject(write)
	if err != nil {
		return err
	}
	v.raw = raw
	p.rows = append(p.rows, v)
	p.addVersion(o.ID, v)
	if cur == nil {
		res.Created++
	} else {
		res.Updated++
	}
	if cur == nil || v.key > cur.key {
		if !p.isIndexed[o.ID] {
			p.isIndexed[o.ID] = true
			p.indexed = append(p.indexed, o.ID)
		}
		p.latest[o.ID] = v
	}
	p.addToCollection(v)
	return nil
}

func (p *plan) addVersion(id string, v *version) {
	if p.versions[id] == nil {
		p.versions[id] = map[string]*version{}
	}
	p.versions[id][v.key] = v
}

func (p *plan) addToCollection(v *version) {
	if p.b.Collection == "" {
		return
	}
	if v.row < 0 && p.members[v.seq] {
		return
	}
	if p.added[v] {
		return
	}
	p.added[v] = true
	if v.row < 0 {
		p.members[v.seq] = true
	}
	p.additions = append(p.additions, v)
	p.addedAt = append(p.addedAt, p.nextDateAdded())
}

// save writes the plan's rows: one statement per table, pipelined.
func (p *plan) save(ctx context.Context, tx pgx.Tx) error {
	if len(p.rows) > 0 {
		// Seq values for the new versions, in write order; the lock makes
		// them greater than every committed one.
		rows, err := tx.Query(ctx, `SELECT nextval('object_versions_seq') FROM generate_series(1, $1) ORDER BY 1`, len(p.rows))
		if err != nil {
			return FormatError(fmt.Errorf("write: allocate seq: %w", err))
		}
		seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return FormatError(fmt.Errorf("write: allocate seq: %w", err))
		}
		for i, v := range p.rows {
			v.seq = seqs[i]
		}
	}

	if len(p.rows) > 0 {
		// COPY is the fastest way in for many rows, a third faster than an
		// INSERT from arrays for a bulk import; for a few it costs a round trip.
		rows := make([][]any, len(p.rows))
		for i, v := range p.rows {
			o := v.obj
			specVersion := o.SpecVersion
			if specVersion == "" {
				specVersion = stix.SpecVersion
			}
			rows[i] = []any{v.seq, o.ID, o.Type, specVersion, v.key, o.Created, v.dateAdded,
				int16(stix.ObjectTLP(o.ObjectMarkingRefs, p.b.UnmarkedTLP)), clean(o.Name), string(v.raw)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"object_versions"}, []string{"seq", "id", "type", "spec_version",
			"modified", "created", "date_added", "tlp", "name", "raw"}, pgx.CopyFromRows(rows)); err != nil {
			return FormatError(fmt.Errorf("write: versions: %w", err))
		}
	}

	var q pgx.Batch
	if len(p.indexed) > 0 {
		var (
			ids, latestIDs              []string
			latestSeqs                  []int64
			nameKeys, nameIDs           []string
			relIDs, relTypes, srcs      []string
			dsts, createdBy             []string
			relSeqs                     []int64
			confidence                  []*int32
			docIDs, docNames, docBodies []string
			repIDs, repSHA, repTitle    []string
			repURL, repPublished        []string
		)
		for _, id := range p.indexed {
			v := p.latest[id]
			o := v.obj
			ids = append(ids, id)
			latestIDs, latestSeqs = append(latestIDs, id), append(latestSeqs, v.seq)
			seen := map[string]bool{}
			for _, n := range storesql.ObjectNames(o) {
				if k := clean(aptgraph.NameKey(n)); !seen[k] {
					seen[k] = true
					nameKeys, nameIDs = append(nameKeys, k), append(nameIDs, id)
				}
			}
			switch o.Type {
			case "relationship":
				var c *int32
				if o.Confidence != nil {
					c = new(int32(*o.Confidence))
				}
				relIDs, relSeqs, relTypes = append(relIDs, id), append(relSeqs, v.seq), append(relTypes, o.RelationshipType)
				srcs, dsts, createdBy = append(srcs, o.SourceRef), append(dsts, o.TargetRef), append(createdBy, o.CreatedByRef)
				confidence = append(confidence, c)
			case "report":
				url := ""
				if len(o.ExternalReferences) > 0 {
					url = o.ExternalReferences[0].URL
				}
				repIDs, repSHA, repTitle = append(repIDs, id), append(repSHA, o.SHA256), append(repTitle, clean(o.Name))
				repURL, repPublished = append(repURL, url), append(repPublished, o.Published)
			}
			if name, body := p.searchDoc(o); name != "" || body != "" {
				docIDs, docNames, docBodies = append(docIDs, id), append(docNames, name), append(docBodies, body)
			}
		}
		if r := p.b.Report; p.textSet && !p.isIndexed[r.ID] {
			// Only the text changed: the report's row must say it too.
			if v := p.latest[r.ID]; v != nil {
				if v.obj == nil {
					v.obj = new(stix.Object)
					if err := json.Unmarshal(v.raw, v.obj); err != nil {
						return fmt.Errorf("write: read stored report: %w", err)
					}
				}
				name, body := p.searchDoc(v.obj)
				ids = append(ids, r.ID)
				docIDs, docNames, docBodies = append(docIDs, r.ID), append(docNames, name), append(docBodies, body)
			}
		}
		q.Queue(`INSERT INTO latest (id, seq) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq`, latestIDs, latestSeqs)
		q.Queue(`DELETE FROM object_names WHERE id = ANY($1)`, p.indexed)
		q.Queue(`INSERT INTO object_names (name, id) SELECT * FROM unnest($1::text[], $2::text[])`, nameKeys, nameIDs)
		q.Queue(`INSERT INTO relationships (id, seq, relationship_type, source_ref, target_ref, created_by_ref, confidence)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[])
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, relationship_type = excluded.relationship_type,
				source_ref = excluded.source_ref, target_ref = excluded.target_ref,
				created_by_ref = excluded.created_by_ref, confidence = excluded.confidence`,
			relIDs, relSeqs, relTypes, srcs, dsts, createdBy, confidence)
		q.Queue(`INSERT INTO reports (id, sha256, title, url, published)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
			ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title,
				url = excluded.url, published = excluded.published`, repIDs, repSHA, repTitle, repURL, repPublished)
		q.Queue(`DELETE FROM search_docs WHERE id = ANY($1)`, ids)
		q.Queue(`INSERT INTO search_docs (id, name, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
			docIDs, docNames, docBodies)
	} else if r := p.b.Report; p.textSet && p.latest[r.ID] != nil {
		v := p.latest[r.ID]
		v.obj = new(stix.Object)
		if err := json.Unmarshal(v.raw, v.obj); err != nil {
			return fmt.Errorf("write: read stored report: %w", err)
		}
		name, body := p.searchDoc(v.obj)
		q.Queue(`DELETE FROM search_docs WHERE id = $1`, r.ID)
		q.Queue(`INSERT INTO search_docs (id, name, body) VALUES ($1, $2, $3)`, r.ID, name, body)
	}
	if r := p.b.Report; p.textSet {
		// After the report rows above, which keep any stored text.
		q.Queue(`INSERT INTO reports (id, text) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET text = excluded.text`,
			r.ID, clean(p.b.Text))
	}
	if n := len(p.additions); n > 0 {
		seqs := make([]int64, n)
		for i, v := range p.additions {
			seqs[i] = v.seq
		}
		q.Queue(`INSERT INTO collection_objects (collection_id, version_seq, date_added)
			SELECT $1, s, d FROM unnest($2::bigint[], $3::timestamptz[]) WITH ORDINALITY AS a (s, d, i) ORDER BY i
			ON CONFLICT (collection_id, version_seq) DO NOTHING`, p.collection, seqs, p.addedAt)
	}
	if q.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &q).Close(); err != nil {
		return FormatError(fmt.Errorf("write: %w", err))
	}
	return nil
}

// searchDoc returns the search row of an object: see storesql.SearchText.
func (p *plan) searchDoc(o *stix.Object) (name, body string) {
	if o.Type == "relationship" || o.Type == "sighting" {
		return "", "" // claims are found through their ends, not by words
	}
	name, body = storesql.SearchText(o)
	if o.Type == "report" {
		body = storesql.JoinText(body, p.reportText[o.ID])
	}
	return clean(name), clean(body)
}

// clean makes text storable in a PostgreSQL text column, which holds
// neither NUL nor invalid UTF-8.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
