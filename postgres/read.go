package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
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
	var collection string
	if f.Collection != "" {
		var err error
		collection, err = s.collIDs.Get(f.Collection, func() (string, error) {
			return collectionID(ctx, s.pool, f.Collection)
		})
		if err != nil {
			return nil, err
		}
	}
	q, err := storesql.ObjectsQuery(sqlDialect, f, collection)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, q.SQL(), q.Args()...)
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
	out, err := collect(ctx, s.pool, storesql.ScanRelationship, q.SQL(), q.Args()...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read relationships: %w", err))
	}
	return out, nil
}

// collect runs a query on db and reads each row of its result with scan.
func collect[T any](ctx context.Context, db *pgxpool.Pool, scan func(storesql.Row) (T, error), query string, args ...any) ([]T, error) {
	// pgx returns rows even when the query fails, and their Err says why.
	rows, _ := db.Query(ctx, query, args...)
	defer rows.Close()
	return storesql.AppendRows(nil, rows, scan)
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

// scanObject reads a row of storesql.ObjectsQuery; it decodes the object
// unless rawOnly.
func scanObject(row storesql.Row, rawOnly bool) (*aptgraph.StoredObject, error) {
	var (
		o   aptgraph.StoredObject
		tlp int16
		raw []byte
	)
	if err := row.Scan(&o.Seq, &o.DateAdded, &tlp, &o.Version, &o.ID, &o.Type, &raw); err != nil {
		return nil, err
	}
	o.DateAdded, o.TLP, o.Raw = o.DateAdded.UTC(), stix.TLP(tlp), json.RawMessage(raw)
	if err := storesql.DecodeObject(&o, rawOnly); err != nil {
		return nil, err
	}
	return &o, nil
}
