package aptgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph/stix"
)

// Batch is a set of objects written to the store in one transaction.
type Batch struct {
	// Report is the report object when the batch comes from an extracted
	// document; Text is that document's normalised text, indexed for search.
	// Report is written even when Objects leaves it out.
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

	// Collection, when set, is the id or alias of a TAXII collection: the
	// version of each object that the write leaves newest (or, without Merge,
	// the version given) is also added to it.
	Collection string

	// UnmarkedTLP is the TLP level given to objects that carry no TLP
	// marking. Its zero value, TLP:CLEAR, suits public reference data such as
	// ATT&CK, whose objects carry only a copyright marking.
	UnmarkedTLP stix.TLP
}

// Prepare checks a batch and returns the objects a store writes for it, in
// order: Objects, then Report when Objects leaves it out. With Merge, the
// objects that share an id are merged into the first of them with
// MergeObject. Every store calls it before it writes anything, so the engines
// agree on what a batch means. Returns EINVALID for a malformed object or a
// Report that is not a report.
func (b *Batch) Prepare() ([]*stix.Object, error) {
	if b.Report != nil && b.Report.Type != "report" {
		return nil, Errorf(EINVALID, "batch report %s is not a report", b.Report.ID)
	}
	objs := make([]*stix.Object, 0, len(b.Objects)+1)
	objs = append(objs, b.Objects...)
	if b.Report != nil {
		found := false
		for _, o := range b.Objects {
			if o == b.Report || (o != nil && o.ID == b.Report.ID) {
				found = true
				break
			}
		}
		if !found {
			objs = append(objs, b.Report)
		}
	}
	for i, o := range objs {
		if err := ValidateObject(o); err != nil {
			return nil, fmt.Errorf("batch object %d: %w", i, err)
		}
	}
	if !b.Merge {
		return objs, nil
	}
	at := make(map[string]int, len(objs))
	out := objs[:0:0]
	for _, o := range objs {
		i, dup := at[o.ID]
		if !dup {
			at[o.ID] = len(out)
			out = append(out, o)
			continue
		}
		out[i], _ = MergeObject(out[i], o)
	}
	return out, nil
}

// ValidateObject reports, as an EINVALID error, what makes o unfit to be
// stored: a missing type or id, an id that is not "<type>--<uuid>", or a
// created or modified timestamp that does not parse. It returns nil for an
// object a store can hold.
func ValidateObject(o *stix.Object) error {
	if o == nil {
		return Errorf(EINVALID, "missing object")
	}
	if o.Type == "" || o.ID == "" {
		return Errorf(EINVALID, "object %q has no type or no id", o.ID)
	}
	if stix.IDType(o.ID) != o.Type {
		return Errorf(EINVALID, "object id %q does not match its type %q", o.ID, o.Type)
	}
	if !IsUUID(o.ID[len(o.Type)+2:]) {
		return Errorf(EINVALID, "object id %q does not end in a UUID", o.ID)
	}
	for _, ts := range []struct{ name, v string }{{"created", o.Created}, {"modified", o.Modified}} {
		if ts.v == "" {
			continue
		}
		if _, err := stix.ParseTime(ts.v); err != nil {
			return WrapError(EINVALID, fmt.Sprintf("object %s has a malformed %s timestamp", o.ID, ts.name), err)
		}
	}
	return nil
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 hex form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// versionLayout renders version keys: fixed width, so that byte order is
// time order.
const versionLayout = "2006-01-02T15:04:05.000000000Z"

// VersionKey returns the key that tells o's versions apart in a store: its
// modified timestamp, else its created timestamp (STIX objects without
// modified are not versioned), rendered in UTC at nanosecond precision and
// fixed width, so that comparing keys as strings compares the times. It
// returns "" for an object that has neither, such as a cyber-observable; a
// store keys those versions by the time it adds them (see DateAddedKey).
func VersionKey(o *stix.Object) string {
	for _, s := range []string{o.Modified, o.Created} {
		if s == "" {
			continue
		}
		if t, err := stix.ParseTime(s); err == nil {
			return t.UTC().Format(versionLayout)
		}
	}
	return ""
}

// DateAddedKey returns the version key of a version without timestamps of
// its own, added at t.
func DateAddedKey(t time.Time) string { return t.UTC().Format(versionLayout) }

// ParseVersionKey reads a version key, or a STIX timestamp, as a time.
func ParseVersionKey(key string) (time.Time, error) { return stix.ParseTime(key) }

// NameKey returns the form of a name or alias that the Name filter of
// ObjectFilter compares: lower case, with runs of white space made one space
// and trimmed.
func NameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// NextDateAdded returns the date_added to give the next version a store
// writes, when the last one it gave was last: now in microseconds, or one
// microsecond after last when the clock says otherwise, so that date_added
// never goes backwards and no two versions share one.
func NextDateAdded(now, last time.Time) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if next := last.UTC().Truncate(time.Microsecond).Add(time.Microsecond); now.Before(next) {
		return next
	}
	return now
}

// WriteResult counts what a Write did.
type WriteResult struct {
	Created   int // objects new to the store
	Updated   int // objects that got a new version
	Unchanged int // objects already stored as given
}

// StoredObject is one version of an object as the store holds it.
type StoredObject struct {
	// Object is the decoded object; nil when read with ObjectFilter.RawOnly
	// or KeysOnly. Raw is nil with KeysOnly.
	Object *stix.Object
	Raw    json.RawMessage // the object's JSON as stored

	ID   string // the object's id
	Type string // the object's type

	// DateAdded and Seq place the version in the store's write order: Seq
	// rises with every version written, in commit order, so it is a stable
	// paging cursor (ObjectFilter.AfterSeq); DateAdded rises with it and no
	// two versions share one. When the object was read through a collection
	// (ObjectFilter.Collection), both are those of the version's addition to
	// that collection instead, as TAXII's date_added is.
	DateAdded time.Time
	Seq       int64

	TLP     stix.TLP // the most restrictive TLP marking of the object
	Version string   // the version key (see VersionKey): TAXII's version
}

// The values of ObjectFilter.Versions other than timestamps.
const (
	VersionLast  = "last"  // the newest version of each object
	VersionFirst = "first" // the oldest version of each object
	VersionAll   = "all"   // every version
)

// ObjectFilter selects stored objects. Zero fields do not filter.
//
// To page, ask with a Limit, then again with AfterSeq set to the Seq of the
// last object of the page, until a page comes back short. Seq order is
// commit order in every engine, so a pager misses nothing that others write
// meanwhile; an object that gets a new version while it pages is seen again,
// as that version.
type ObjectFilter struct {
	IDs          []string
	Types        []string
	SpecVersions []string  // spec_version values; objects without one count as "2.1"
	Name         string    // case-insensitive match of name or any alias (see NameKey)
	AfterSeq     int64     // only versions written after this sequence number: the paging cursor
	AddedAfter   time.Time // only versions added after this time
	MaxTLP       *stix.TLP // only objects at or below this clearance
	AllVersions  bool      // every version, not only the newest of each id
	Limit        int       // at most this many; 0 means no limit

	// Versions selects versions as TAXII's match[version] does; it is a
	// union of VersionLast, VersionFirst, VersionAll and modified timestamps.
	// Empty means VersionLast, or VersionAll with AllVersions.
	Versions []string

	// Collection, when set, is the id or alias of a collection: only the
	// versions added to it are seen, "last" and "first" count only those,
	// and AfterSeq, AddedAfter and the order are those of the additions.
	Collection string

	// RawOnly leaves StoredObject.Object nil: the store returns Raw, ID,
	// Type, Version, DateAdded, Seq and TLP without decoding the JSON, for
	// readers that send the stored JSON on (TAXII pages), which decoding
	// every object would cost most of their time. A reader that needs an
	// object's properties decodes its Raw itself.
	RawOnly bool

	// KeysOnly is RawOnly without Raw either: the store returns ID, Type,
	// Version, DateAdded, Seq and TLP alone, for readers that need no more
	// (the TLP of the objects that a TAXII page refers to).
	KeysOnly bool
}

// VersionChoice is the Versions the filter asks for, with the empty default
// spelled out: VersionLast, or VersionAll with AllVersions.
func (f ObjectFilter) VersionChoice() []string {
	switch {
	case len(f.Versions) > 0:
		return f.Versions
	case f.AllVersions:
		return []string{VersionAll}
	default:
		return []string{VersionLast}
	}
}

// RelationshipFilter selects stored relationships (newest versions). Zero
// fields do not filter.
type RelationshipFilter struct {
	SourceRefs   []string
	TargetRefs   []string
	AnyRefs      []string // source_ref or target_ref is one of these
	Types        []string // relationship_type values
	CreatedByRef string
	Limit        int // at most this many; 0 means no limit
}

// SearchHit is one result of a full-text search.
type SearchHit struct {
	ID      string // the report or object id
	Type    string
	Name    string
	Snippet string  // a short passage around the match; see MatchStart
	Rank    float64 // higher is better; comparable only within one result
}

// MatchStart and MatchEnd surround each matched term in SearchHit.Snippet.
// They are control characters that never occur in normalised text, so a
// renderer can escape the snippet first and then turn them into highlights.
const (
	MatchStart = "\x02"
	MatchEnd   = "\x03"
)

// Store is the storage engine: SQLite embedded, or PostgreSQL.
//
// Every method may also return EUNAVAILABLE when the database cannot be
// reached or the context ends first, and EINTERNAL for any other failure of
// the engine.
type Store interface {
	// Write stores a batch in one transaction: all of it or none of it.
	// Objects are written as Batch.Merge says; re-writing what is stored
	// changes nothing and counts every object Unchanged. Returns EINVALID
	// for a batch that Prepare refuses and ENOTFOUND for an unknown
	// Batch.Collection.
	Write(ctx context.Context, b *Batch) (*WriteResult, error)

	// Object returns the newest version of an object. Returns ENOTFOUND.
	Object(ctx context.Context, id string) (*StoredObject, error)

	// Objects returns the objects that match f, in write order (Seq).
	// Returns ENOTFOUND for an unknown f.Collection and EINVALID for a
	// Versions value that is neither a keyword nor a timestamp.
	Objects(ctx context.Context, f ObjectFilter) ([]*StoredObject, error)

	// Relationships returns the newest versions of the relationships that
	// match f, in write order.
	Relationships(ctx context.Context, f RelationshipFilter) ([]*stix.Object, error)

	// Search runs a full-text query over the newest versions of objects
	// (names, aliases, observable values, ATT&CK ids, descriptions) and
	// report texts, best match first, at most limit hits (20 when limit <=
	// 0). Relationships and sightings are not searched: they are reached
	// through the objects at their ends. Words are stemmed (English), and
	// any text is a valid query: words must all match, "quoted words"
	// match as a phrase, OR between words allows either, and -word
	// excludes; other punctuation is ignored, and a query with no words
	// finds nothing. Returns EINVALID only for a query over 1000 bytes.
	Search(ctx context.Context, query string, limit int) ([]*SearchHit, error)

	// ReportText returns the normalised text stored with a report.
	// Returns ENOTFOUND when no text is stored for id.
	ReportText(ctx context.Context, reportID string) (string, error)

	// CreateCollection stores a new TAXII collection, setting c.ID (a
	// random UUID) when it is empty, and c.Created. Returns EINVALID for a
	// missing title or an id that is not a UUID, and ECONFLICT when the id
	// or the alias is taken.
	CreateCollection(ctx context.Context, c *Collection) error

	// Collections returns every collection, oldest first.
	Collections(ctx context.Context) ([]*Collection, error)

	// Collection returns the collection whose id or alias is id.
	// Returns ENOTFOUND.
	Collection(ctx context.Context, id string) (*Collection, error)

	// CreateToken makes an access token and returns its secret, which is
	// shown this once: the store keeps only its SHA-256. Returns EINVALID
	// for a spec without a name, without Read or Write, without collections,
	// or with a TLP out of range, and ENOTFOUND for an unknown collection.
	CreateToken(ctx context.Context, spec TokenSpec) (secret string, t *Token, err error)

	// TokenBySecret returns the valid token whose secret is secret.
	// Returns EUNAUTHORIZED for an unknown or revoked secret.
	TokenBySecret(ctx context.Context, secret string) (*Token, error)

	// RevokeToken revokes a token for good; revoking it again does nothing.
	// Returns ENOTFOUND.
	RevokeToken(ctx context.Context, id string) error

	// Tokens returns every token, revoked ones included, oldest first.
	Tokens(ctx context.Context) ([]*Token, error)

	// PutNames stores name records in one transaction: a record whose
	// Norm, Kind and GroupKey are stored replaces that record, any other
	// is added, and none is ever removed. It returns how many records were
	// new or different; putting stored records again returns 0. Returns
	// EINVALID or ETOOLARGE for records that PrepareNames refuses.
	PutNames(ctx context.Context, recs []*NameRecord) (changed int, err error)

	// Names returns the records of the normalised name norm (see
	// NormalizeName), ordered by kind, group key. Returns none, not an
	// error, for an unknown name.
	Names(ctx context.Context, norm string) ([]*NameRecord, error)

	// CountNames returns how many name records are stored.
	CountNames(ctx context.Context) (int, error)

	// CreateAliasClaim stores a local analyst's claim, setting c.ID and
	// c.Created. Returns EINVALID for a claim that AliasClaim.Validate
	// refuses.
	CreateAliasClaim(ctx context.Context, c *AliasClaim) error

	// AliasClaims returns the claims that match f, oldest first.
	AliasClaims(ctx context.Context, f AliasClaimFilter) ([]*AliasClaim, error)

	// UndoAliasClaim withdraws a standing claim, recording who did and
	// when, and returns it. The claim stays stored. Returns ENOTFOUND for
	// an unknown id and ECONFLICT for a claim already undone.
	UndoAliasClaim(ctx context.Context, id int64, by string) (*AliasClaim, error)

	// Close releases the store.
	Close() error
}

// WriteFeed is a Store that hears of the committed writes of every process
// sharing it (PostgreSQL, through LISTEN and NOTIFY). A cache of what the
// store holds can then trust its copy until the count moves, instead of
// asking the store on every use whether anything changed.
type WriteFeed interface {
	// WriteCount returns a count that rises after each committed write
	// that adds versions or collection members: at once for the writes of
	// this Store, and as soon as the notice arrives (milliseconds on one
	// network) for those of other processes. live is false while the
	// store cannot promise that, as before its listening connection is up
	// or after it broke; callers must then read the store as they would
	// without a feed. The count also rises whenever live turns true again,
	// since notices may have been missed in between.
	WriteCount() (n uint64, live bool)
}

// EncodeObject returns the JSON a store keeps for o: its own encoding, with
// the properties stix.Object does not type compacted, and no more than that.
// json.Marshal would also re-compact the whole of the marshaller's output, a
// good part of the cost of a bulk import. Returns EINVALID for an untyped
// property that is not valid JSON.
func EncodeObject(o *stix.Object) ([]byte, error) {
	var extra map[string]json.RawMessage
	for k, v := range o.Extra {
		if !json.Valid(v) {
			return nil, Errorf(EINVALID, "object %s: property %q is not valid JSON", o.ID, k)
		}
		if bytes.ContainsAny(v, " \t\r\n") {
			var buf bytes.Buffer
			json.Compact(&buf, v) // cannot fail on valid JSON
			if extra == nil {
				extra = maps.Clone(o.Extra)
			}
			extra[k] = buf.Bytes()
		}
	}
	if extra != nil {
		c := *o
		c.Extra = extra
		o = &c
	}
	b, err := o.MarshalJSON()
	if err != nil {
		return nil, WrapError(EINVALID, fmt.Sprintf("object %s cannot be encoded", o.ID), err)
	}
	return b, nil
}
