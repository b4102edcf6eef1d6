package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
	"github.com/aptgraph/aptgraph/stix"
)

// Write stores a batch in one transaction, so that a failure or a crash
// half-way leaves nothing of it; see aptgraph.Store.
func (s *Store) Write(ctx context.Context, b *aptgraph.Batch) (*aptgraph.WriteResult, error) {
	objs, err := b.Prepare()
	if err != nil {
		return nil, err
	}
	// The writer pool has one connection, so this waits for any other
	// Write in the process; _txlock=immediate takes SQLite's write lock at
	// BEGIN, so reads inside see the state the write will change.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, FormatError(fmt.Errorf("begin write: %w", err))
	}
	defer tx.Rollback()

	w, err := s.newWriter(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	defer w.close()

	var res aptgraph.WriteResult
	for i, o := range objs {
		if err := w.object(ctx, o, &res); err != nil {
			return nil, FormatError(fmt.Errorf("write %s: %w", o.ID, err))
		}
		if s.afterObject != nil {
			if err := s.afterObject(i); err != nil {
				return nil, err
			}
		}
	}
	if err := w.finish(ctx); err != nil {
		return nil, FormatError(fmt.Errorf("write search index: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return nil, FormatError(fmt.Errorf("commit write: %w", err))
	}
	return &res, nil
}

// writer is one Write in progress: its transaction, its statements, and the
// state that carries from one object to the next.
type writer struct {
	s          *Store
	tx         *sql.Tx
	b          *aptgraph.Batch
	collection string    // resolved collection id, or ""
	last       time.Time // the last date_added given out

	reportText        string // the text stored for b.Report after this write
	reportTextChanged bool
	reportIndexed     bool // b.Report's search row was rebuilt in this write

	// The search rows to replace, written at the end in one statement
	// each: FTS5 flushes its pending terms at every statement, which makes
	// a row at a time many times slower.
	unsearch []int64             // latest.n of rows to delete
	search   map[int64][2]string // latest.n -> name, body

	latest, versionByKey, insertVersion, insertLatest, updateLatest,
	deleteNames, insertName, upsertRelationship, deleteRelationship,
	deleteSearch, insertSearch, upsertReport, selectReportText, insertMembership *sql.Stmt
}

func (s *Store) newWriter(ctx context.Context, tx *sql.Tx, b *aptgraph.Batch) (*writer, error) {
	w := &writer{s: s, tx: tx, b: b, search: map[int64][2]string{}}
	if b.Collection != "" {
		var err error
		if w.collection, err = collectionID(ctx, tx, b.Collection); err != nil {
			return nil, err
		}
	}
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(
			(SELECT coalesce(max(date_added), 0) FROM object_versions),
			(SELECT coalesce(max(date_added), 0) FROM collection_objects))`).Scan(&last); err != nil {
		return nil, FormatError(fmt.Errorf("read last date_added: %w", err))
	}
	w.last = fromMicros(last.Int64)

	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.latest, `SELECT l.n, v.seq, v.modified, v.raw FROM latest l JOIN object_versions v ON v.seq = l.seq WHERE l.id = ?`},
		{&w.versionByKey, `SELECT seq FROM object_versions WHERE id = ? AND modified = ?`},
		{&w.insertVersion, `INSERT INTO object_versions (id, type, spec_version, modified, created, date_added, tlp, name, raw)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.insertLatest, `INSERT INTO latest (id, seq) VALUES (?, ?)`},
		{&w.updateLatest, `UPDATE latest SET seq = ? WHERE n = ?`},
		{&w.deleteNames, `DELETE FROM object_names WHERE id = ?`},
		{&w.insertName, `INSERT OR IGNORE INTO object_names (name, id) VALUES (?, ?)`},
		{&w.upsertRelationship, `INSERT INTO relationships (id, seq, relationship_type, source_ref, target_ref, created_by_ref, confidence)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, relationship_type = excluded.relationship_type,
				source_ref = excluded.source_ref, target_ref = excluded.target_ref,
				created_by_ref = excluded.created_by_ref, confidence = excluded.confidence`},
		{&w.deleteRelationship, `DELETE FROM relationships WHERE id = ?`},
		{&w.deleteSearch, `DELETE FROM search WHERE rowid IN (SELECT value FROM json_each(?))`},
		{&w.insertSearch, `INSERT INTO search (rowid, name, body) SELECT value->>0, value->>1, value->>2 FROM json_each(?)`},
		{&w.upsertReport, `INSERT INTO reports (id, sha256, title, url, published) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title,
				url = excluded.url, published = excluded.published`},
		{&w.selectReportText, `SELECT text FROM reports WHERE id = ?`},
		{&w.insertMembership, `INSERT INTO collection_objects (collection_id, version_seq, date_added) VALUES (?, ?, ?)
			ON CONFLICT (collection_id, version_seq) DO NOTHING`},
	}
	for _, st := range stmts {
		p, err := tx.PrepareContext(ctx, st.sql)
		if err != nil {
			w.close()
			return nil, FormatError(fmt.Errorf("prepare write: %w", err))
		}
		*st.dst = p
	}

	if b.Report != nil {
		// The text goes in first, so that the report's search row, written
		// with the report object below, indexes it.
		err := w.selectReportText.QueryRowContext(ctx, b.Report.ID).Scan(&w.reportText)
		switch {
		case err == sql.ErrNoRows:
			w.reportText = ""
		case err != nil:
			w.close()
			return nil, FormatError(fmt.Errorf("read report text: %w", err))
		}
		if b.Text != "" && b.Text != w.reportText {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports (id, text) VALUES (?, ?)
				ON CONFLICT (id) DO UPDATE SET text = excluded.text`, b.Report.ID, b.Text); err != nil {
				w.close()
				return nil, FormatError(fmt.Errorf("write report text: %w", err))
			}
			w.reportText, w.reportTextChanged = b.Text, true
		}
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.latest, w.versionByKey, w.insertVersion, w.insertLatest, w.updateLatest,
		w.deleteNames, w.insertName, w.upsertRelationship, w.deleteRelationship, w.deleteSearch, w.insertSearch,
		w.upsertReport, w.selectReportText, w.insertMembership} {
		if st != nil {
			st.Close()
		}
	}
}

// nextDateAdded hands out date_added values: rising, never two alike.
func (w *writer) nextDateAdded() time.Time {
	w.last = aptgraph.NextDateAdded(w.s.now(), w.last)
	return w.last
}

// stored is the newest stored version of an object.
type stored struct {
	n   int64 // latest.n
	seq int64
	key string
	raw string
}

// object writes one object of the batch.
func (w *writer) object(ctx context.Context, o *stix.Object, res *aptgraph.WriteResult) error {
	var cur *stored
	var c stored
	switch err := w.latest.QueryRowContext(ctx, o.ID).Scan(&c.n, &c.seq, &c.key, &c.raw); {
	case err == nil:
		cur = &c
	case err != sql.ErrNoRows:
		return err
	}

	write := o         // the version to write, when there is one
	key := ""          // its version key
	var existing int64 // the seq of the stored version that o is, when it is one
	if w.b.Merge && cur != nil {
		var old stix.Object
		if err := json.Unmarshal([]byte(cur.raw), &old); err != nil {
			return fmt.Errorf("read stored version: %w", err)
		}
		merged, changed := aptgraph.MergeObject(&old, o)
		if !changed {
			existing = cur.seq
		} else {
			write = merged
			key = aptgraph.VersionKey(merged)
		}
	} else {
		key = aptgraph.VersionKey(o)
		switch {
		case key != "" && cur != nil:
			err := w.versionByKey.QueryRowContext(ctx, o.ID, key).Scan(&existing)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
		case cur != nil:
			// Without timestamps, a version is its content.
			raw, err := aptgraph.EncodeObject(o)
			if err != nil {
				return err
			}
			if string(raw) == cur.raw {
				existing = cur.seq
			}
		}
	}

	if existing != 0 {
		res.Unchanged++
		return w.addToCollection(ctx, existing)
	}

	dateAdded := w.nextDateAdded()
	if key == "" || (w.b.Merge && cur != nil && key <= cur.key) {
		// A version without timestamps of its own is keyed by the time it
		// is added, and a merged one always comes after what it merges.
		key = aptgraph.DateAddedKey(dateAdded)
		if cur != nil && key <= cur.key {
			t, _ := aptgraph.ParseVersionKey(cur.key)
			key = aptgraph.DateAddedKey(t.Add(time.Nanosecond))
		}
	}
	raw, err := aptgraph.EncodeObject(write)
	if err != nil {
		return err
	}
	specVersion := write.SpecVersion
	if specVersion == "" {
		specVersion = stix.SpecVersion
	}
	r, err := w.insertVersion.ExecContext(ctx, write.ID, write.Type, specVersion, key, write.Created,
		micros(dateAdded), int(stix.ObjectTLP(write.ObjectMarkingRefs, w.b.UnmarkedTLP)), write.Name, string(raw))
	if err != nil {
		return err
	}
	seq, err := r.LastInsertId()
	if err != nil {
		return err
	}
	if cur == nil {
		res.Created++
	} else {
		res.Updated++
	}
	if cur == nil || key > cur.key {
		if err := w.index(ctx, write, seq, cur); err != nil {
			return err
		}
	}
	return w.addToCollection(ctx, seq)
}

// index makes the version seq of o the newest, and updates what is kept of
// newest versions only: names, relationships, reports and the search index.
func (w *writer) index(ctx context.Context, o *stix.Object, seq int64, cur *stored) error {
	var n int64
	if cur == nil {
		r, err := w.insertLatest.ExecContext(ctx, o.ID, seq)
		if err != nil {
			return err
		}
		if n, err = r.LastInsertId(); err != nil {
			return err
		}
	} else {
		n = cur.n
		if _, err := w.updateLatest.ExecContext(ctx, seq, n); err != nil {
			return err
		}
		if _, err := w.deleteNames.ExecContext(ctx, o.ID); err != nil {
			return err
		}
		w.unsearch = append(w.unsearch, n)
	}
	delete(w.search, n)
	for _, name := range storesql.ObjectNames(o) {
		if _, err := w.insertName.ExecContext(ctx, aptgraph.NameKey(name), o.ID); err != nil {
			return err
		}
	}

	switch o.Type {
	case "relationship":
		var confidence any
		if o.Confidence != nil {
			confidence = *o.Confidence
		}
		if _, err := w.upsertRelationship.ExecContext(ctx, o.ID, seq, o.RelationshipType, o.SourceRef, o.TargetRef,
			o.CreatedByRef, confidence); err != nil {
			return err
		}
	case "report":
		url := ""
		if len(o.ExternalReferences) > 0 {
			url = o.ExternalReferences[0].URL
		}
		if _, err := w.upsertReport.ExecContext(ctx, o.ID, o.SHA256, o.Name, url, o.Published); err != nil {
			return err
		}
	}

	if o.Type == "relationship" || o.Type == "sighting" {
		return nil // claims are found through their ends, not by words
	}
	name, body := storesql.SearchText(o)
	if o.Type == "report" {
		text := w.reportText
		if w.b.Report == nil || o.ID != w.b.Report.ID {
			if err := w.selectReportText.QueryRowContext(ctx, o.ID).Scan(&text); err != nil && err != sql.ErrNoRows {
				return err
			}
		} else {
			w.reportIndexed = true
		}
		body = storesql.JoinText(body, text)
	}
	if name != "" || body != "" {
		w.search[n] = [2]string{name, body}
	}
	return nil
}

// finish re-indexes the batch's report when only its text changed, and
// writes the search rows.
func (w *writer) finish(ctx context.Context) error {
	if w.reportTextChanged && !w.reportIndexed {
		var c stored
		err := w.latest.QueryRowContext(ctx, w.b.Report.ID).Scan(&c.n, &c.seq, &c.key, &c.raw)
		if err != nil {
			return err
		}
		var o stix.Object
		if err := json.Unmarshal([]byte(c.raw), &o); err != nil {
			return err
		}
		w.unsearch = append(w.unsearch, c.n)
		name, body := storesql.SearchText(&o)
		w.search[c.n] = [2]string{name, storesql.JoinText(body, w.reportText)}
	}
	if len(w.unsearch) > 0 {
		b, err := json.Marshal(w.unsearch)
		if err != nil {
			return err
		}
		if _, err := w.deleteSearch.ExecContext(ctx, string(b)); err != nil {
			return err
		}
	}
	if len(w.search) > 0 {
		rows := make([][3]any, 0, len(w.search))
		for _, n := range slices.Sorted(maps.Keys(w.search)) {
			r := w.search[n]
			rows = append(rows, [3]any{n, r[0], r[1]})
		}
		b, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if _, err := w.insertSearch.ExecContext(ctx, string(b)); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) addToCollection(ctx context.Context, seq int64) error {
	if w.collection == "" {
		return nil
	}
	_, err := w.insertMembership.ExecContext(ctx, w.collection, seq, micros(w.nextDateAdded()))
	return err
}
