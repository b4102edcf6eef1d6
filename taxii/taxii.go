// Package taxii serves an aptgraph store over TAXII 2.1 and pulls from and
// pushes to TAXII 2.1 servers.
package taxii

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// MediaType is the TAXII 2.1 media type of every request and response body.
const MediaType = "application/taxii+json;version=2.1"

// stixMediaType is the media type of the objects a collection holds.
const stixMediaType = "application/stix+json;version=2.1"

// timeLayout renders TAXII timestamps: RFC 3339, UTC, microseconds, the
// precision of the store's date_added.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// The headers that carry the date_added of the first and last object of a page.
const (
	headerDateAddedFirst = "X-TAXII-Date-Added-First"
	headerDateAddedLast  = "X-TAXII-Date-Added-Last"
)

// Envelope is a TAXII 2.1 envelope: one page of objects.
type Envelope struct {
	More    bool              `json:"more,omitempty"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

// ManifestRecord describes one object version in a collection.
type ManifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type,omitempty"`
}

// Manifest is one page of manifest records.
type Manifest struct {
	More    bool             `json:"more,omitempty"`
	Next    string           `json:"next,omitempty"`
	Objects []ManifestRecord `json:"objects,omitempty"`
}

// Versions is one page of the versions of an object.
type Versions struct {
	More     bool     `json:"more,omitempty"`
	Next     string   `json:"next,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// Discovery is the TAXII 2.1 discovery resource.
type Discovery struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Default     string   `json:"default,omitempty"`
	APIRoots    []string `json:"api_roots,omitempty"`
}

// APIRoot is the TAXII 2.1 API root resource.
type APIRoot struct {
	Title            string   `json:"title"`
	Description      string   `json:"description,omitempty"`
	Versions         []string `json:"versions"`
	MaxContentLength int64    `json:"max_content_length"`
}

// Collection is the TAXII 2.1 collection resource, as a token sees it.
type Collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types,omitempty"`
}

// Collections is the list of collections a token may use.
type Collections struct {
	Collections []Collection `json:"collections,omitempty"`
}

// Status is the TAXII 2.1 status resource of a POST of objects.
type Status struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"` // "complete" or "pending"
	RequestTimestamp string         `json:"request_timestamp,omitempty"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []StatusDetail `json:"successes,omitempty"`
	FailureCount     int            `json:"failure_count"`
	Failures         []StatusDetail `json:"failures,omitempty"`
	PendingCount     int            `json:"pending_count"`
	Pendings         []StatusDetail `json:"pendings,omitempty"`
}

// StatusDetail names one object version of a status resource.
type StatusDetail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}

// ErrorMessage is the TAXII 2.1 error message.
type ErrorMessage struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	HTTPStatus  string `json:"http_status,omitempty"`
}

// cursor is what a next token holds: the store sequence number of the last
// addition a page returned.
type cursor struct {
	V   int   `json:"v"`
	Seq int64 `json:"s"`
}

const cursorVersion = 1

func encodeNext(seq int64) string {
	b, _ := json.Marshal(cursor{V: cursorVersion, Seq: seq})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeNext reads a next token; ok is false for one this server did not make.
func decodeNext(s string) (seq int64, ok bool) {
	if len(s) > 200 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != cursorVersion || c.Seq <= 0 {
		return 0, false
	}
	return c.Seq, true
}
