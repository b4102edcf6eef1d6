package aptgraph

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph/stix"
)

// Collection is a TAXII 2.1 collection: a named set of object versions that
// is shared as one. Objects join it through Batch.Collection.
type Collection struct {
	ID          string // a UUID, as TAXII requires
	Title       string
	Description string
	Alias       string // an optional short name, unique in the store
	Created     time.Time
}

// AllCollections in TokenSpec.Collections grants a token every collection,
// present and future.
const AllCollections = "*"

// TokenSpec is what an access token may do.
type TokenSpec struct {
	Name        string   // who or what holds it, for the admin's eyes
	Collections []string // ids or aliases of the collections it may use, or AllCollections
	Read        bool     // it may read objects
	Write       bool     // it may add objects
	MaxTLP      stix.TLP // the most restricted TLP it may read or write
}

// Token is an access token as the store keeps it: everything but its secret.
type Token struct {
	ID          string
	Name        string
	Collections []string // collection ids, or AllCollections
	Read        bool
	Write       bool
	MaxTLP      stix.TLP
	Created     time.Time
	Revoked     time.Time // zero while the token is valid
}

// CanRead reports whether t may read the collection with id collectionID.
func (t *Token) CanRead(collectionID string) bool { return t.Read && t.covers(collectionID) }

// CanWrite reports whether t may add objects to the collection with id
// collectionID.
func (t *Token) CanWrite(collectionID string) bool { return t.Write && t.covers(collectionID) }

func (t *Token) covers(collectionID string) bool {
	return t.Revoked.IsZero() && (slices.Contains(t.Collections, AllCollections) || slices.Contains(t.Collections, collectionID))
}

// tokenPrefix marks aptgraph secrets, so that secret scanners and people can
// tell them apart.
const tokenPrefix = "aptg_"

// NewTokenSecret returns a new random token secret: 256 bits from
// crypto/rand, base64url-encoded after a short prefix.
func NewTokenSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails, as of Go 1.24
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashTokenSecret returns the SHA-256 of a token secret, the only form in
// which a store keeps it. A fast hash suffices: a secret has 256 random bits,
// so there is nothing to guess.
func HashTokenSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Validate reports, as an EINVALID error, what makes spec unfit for a token.
// Whether its collections exist is for the store to check.
func (spec *TokenSpec) Validate() error {
	switch {
	case strings.TrimSpace(spec.Name) == "":
		return Errorf(EINVALID, "a token needs a name")
	case !spec.Read && !spec.Write:
		return Errorf(EINVALID, "a token must be allowed to read or to write")
	case len(spec.Collections) == 0:
		return Errorf(EINVALID, "a token needs at least one collection, or %q for all", AllCollections)
	case spec.MaxTLP < stix.TLPClear || spec.MaxTLP > stix.TLPRed:
		return Errorf(EINVALID, "token TLP %d is out of range", spec.MaxTLP)
	}
	return nil
}

// Validate reports, as an EINVALID error, what makes c unfit to be stored:
// no title, or an id that is set but is not a UUID.
func (c *Collection) Validate() error {
	switch {
	case strings.TrimSpace(c.Title) == "":
		return Errorf(EINVALID, "a collection needs a title")
	case c.ID != "" && !IsUUID(c.ID):
		return Errorf(EINVALID, "collection id %q is not a UUID", c.ID)
	case c.Alias == AllCollections:
		return Errorf(EINVALID, "collection alias %q is reserved", c.Alias)
	}
	return nil
}
