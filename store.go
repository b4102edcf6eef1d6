package aptgraph

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aptgraph/aptgraph/stix"
)

// Batch is a set of objects written to the store in one transaction.
type Batch struct {
	// Report is the report object when the batch comes from an extracted
	// document; Text is that document's normalised text, indexed for search.
	Report *stix.Object
	Text   string

	// Objects are all the objects to write, the report included.
	Objects []*stix.Object

	// Merge selects how an object whose id is already stored is written.
	// true (extracted reports): the stored and new objects are merged with
	// MergeObject, and a new version is written only when the merge changes it.
	// false (imports, TAXII): the object is a version of its own, kept unless
	// a version with the same modified timestamp is already stored.
	Merge bool
}

// WriteResult counts what a Write did.
type WriteResult struct {
	Created   int // objects new to the store
	Updated   int // objects that got a new version
	Unchanged int // objects already stored as given
}

// StoredObject is one version of an object as the store holds it.
type StoredObject struct {
	Object    *stix.Object
	Raw       json.RawMessage // the object's JSON as stored
	DateAdded time.Time       // when this version was added
	Seq       int64           // the store's monotonic write order, for paging
	TLP       stix.TLP        // the most restrictive TLP marking of the object
}

// ObjectFilter selects stored objects. Zero fields do not filter.
type ObjectFilter struct {
	IDs         []string
	Types       []string
	Name        string    // case-insensitive match of name or any alias
	AfterSeq    int64     // only versions written after this sequence number
	AddedAfter  time.Time // only versions added after this time
	MaxTLP      *stix.TLP // only objects at or below this clearance
	AllVersions bool      // every version, not only the newest of each id
	Limit       int       // at most this many; 0 means no limit
}

// RelationshipFilter selects stored relationships (newest versions). Zero
// fields do not filter.
type RelationshipFilter struct {
	SourceRefs   []string
	TargetRefs   []string
	Types        []string // relationship_type values
	CreatedByRef string
}

// SearchHit is one result of a full-text search.
type SearchHit struct {
	ID      string // the report or object id
	Type    string
	Name    string
	Snippet string // a short passage around the match
	Rank    float64
}

// Store is the storage engine: SQLite embedded, or PostgreSQL.
type Store interface {
	// Write stores a batch in one transaction: all of it or none of it.
	// Returns EINVALID for an object without a type or id.
	Write(ctx context.Context, b *Batch) (*WriteResult, error)

	// Object returns the newest version of an object. Returns ENOTFOUND.
	Object(ctx context.Context, id string) (*StoredObject, error)

	// Objects returns the objects that match f, in write order.
	Objects(ctx context.Context, f ObjectFilter) ([]*StoredObject, error)

	// Relationships returns the relationships that match f.
	Relationships(ctx context.Context, f RelationshipFilter) ([]*stix.Object, error)

	// Search runs a full-text query over report texts and object names,
	// best match first. Returns EINVALID for a query that cannot be parsed.
	Search(ctx context.Context, query string, limit int) ([]*SearchHit, error)

	// Close releases the store.
	Close() error
}
