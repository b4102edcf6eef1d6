package taxii

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// Client talks to one API root of a TAXII 2.1 server.
type Client struct {
	apiRoot string // with a trailing slash
	token   string
	http    *http.Client

	// ChunkSize and ChunkBytes bound the envelopes Push posts: at most
	// ChunkSize objects (500) and, unless one object alone is larger, at
	// most ChunkBytes bytes (8 MiB).
	ChunkSize  int
	ChunkBytes int

	// PageSize is the limit Pull asks for; 0 leaves it to the server.
	PageSize int
}

// maxResponseBytes bounds what the client reads of one response.
const maxResponseBytes = 256 << 20

// NewClient returns a client of the API root at apiRootURL (such as
// "https://host/taxii2/api1/") that authenticates with the Bearer token
// token, when it is not empty. A nil httpClient means one with a timeout of
// two minutes a request.
func NewClient(apiRootURL, token string, httpClient *http.Client) *Client {
	if !strings.HasSuffix(apiRootURL, "/") {
		apiRootURL += "/"
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 2 * time.Minute}
	}
	return &Client{apiRoot: apiRootURL, token: token, http: httpClient, ChunkSize: 500, ChunkBytes: 8 << 20}
}

// Cursor is where a pull stands; a caller persists it (it marshals as JSON)
// to resume a pull later with Resume.
type Cursor struct {
	// Since is the added_after the current paging run began with, and Next
	// that run's next token, empty once a run is complete.
	Since time.Time `json:"since,omitzero"`
	Next  string    `json:"next,omitempty"`
	// Last is the date_added of the last object received.
	Last time.Time `json:"last,omitzero"`
}

// after returns the added_after of a new paging run.
func (c Cursor) after() time.Time {
	if !c.Last.IsZero() {
		return c.Last
	}
	return c.Since
}

// Pull reads every object version added to a collection after since, page
// by page, calling fn with each page's objects and the date_added of its last
// object, until the server has no more. It follows the server's next
// tokens, and falls back to added_after when the server gives none.
func (c *Client) Pull(ctx context.Context, collectionID string, since time.Time, fn func(objs []json.RawMessage, dateAddedLast time.Time) error) error {
	_, err := c.Resume(ctx, collectionID, Cursor{Since: since}, func(objs []json.RawMessage, cur Cursor) error {
		return fn(objs, cur.Last)
	})
	return err
}

// Resume goes on with a pull from cur, calling fn with each page's objects
// and the cursor after that page, and returns the cursor at the end: the
// value to persist for the next call. A next token the server no longer
// accepts is dropped for added_after.
func (c *Client) Resume(ctx context.Context, collectionID string, cur Cursor, fn func(objs []json.RawMessage, cur Cursor) error) (Cursor, error) {
	since := cur.after()
	if cur.Next != "" {
		since = cur.Since
	}
	retried := false
	for {
		env, last, err := c.objects(ctx, collectionID, since, cur.Next)
		if err != nil {
			if cur.Next != "" && !retried && aptgraph.ErrorCode(err) == aptgraph.EINVALID {
				retried = true
				cur.Next = ""
				since = cur.after()
				continue
			}
			return cur, err
		}
		prevLast := cur.Last
		if !last.IsZero() {
			cur.Last = last
		}
		switch {
		case env.More && env.Next != "":
			cur.Since, cur.Next = since, env.Next
		case env.More:
			// No next token: page on by date added, which must move.
			if !cur.Last.After(prevLast) {
				return cur, aptgraph.Errorf(aptgraph.EUNAVAILABLE, "taxii server has more objects but gives no way to page to them")
			}
			cur.Next = ""
			cur.Since = cur.Last
		default:
			cur.Next = ""
			cur.Since = cur.after()
		}
		if len(env.Objects) > 0 {
			if err := fn(env.Objects, cur); err != nil {
				return cur, err
			}
		}
		if !env.More {
			return cur, nil
		}
		since = cur.Since
		retried = false
	}
}

// objects gets one page of a collection's objects.
func (c *Client) objects(ctx context.Context, collectionID string, since time.Time, next string) (*Envelope, time.Time, error) {
	q := url.Values{}
	if !since.IsZero() {
		q.Set("added_after", formatTime(since))
	}
	if next != "" {
		q.Set("next", next)
	}
	if c.PageSize > 0 {
		q.Set("limit", fmt.Sprint(c.PageSize))
	}
	u := "collections/" + url.PathEscape(collectionID) + "/objects/"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var env Envelope
	h, err := c.do(ctx, http.MethodGet, u, nil, &env)
	if err != nil {
		return nil, time.Time{}, err
	}
	var last time.Time
	if v := h.Get(headerDateAddedLast); v != "" {
		last, err = time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, time.Time{}, aptgraph.Errorf(aptgraph.EINVALID, "taxii server sent a malformed %s header", headerDateAddedLast)
		}
	}
	return &env, last, nil
}

// Push posts objs to a collection, in envelopes of at most ChunkSize
// objects and ChunkBytes bytes, and returns the sum of their statuses; its
// ID is that of the last envelope's status. It stops at the first envelope
// the server refuses, returning the status of those it accepted.
func (c *Client) Push(ctx context.Context, collectionID string, objs []*stix.Object) (*Status, error) {
	total := &Status{Status: "complete"}
	path := "collections/" + url.PathEscape(collectionID) + "/objects/"
	var chunk [][]byte
	size := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		body := append([]byte(`{"objects":[`), bytes.Join(chunk, []byte(","))...)
		body = append(body, "]}"...)
		chunk, size = chunk[:0], 0
		var st Status
		if _, err := c.do(ctx, http.MethodPost, path, body, &st); err != nil {
			return err
		}
		total.ID = st.ID
		total.RequestTimestamp = st.RequestTimestamp
		if st.Status != "complete" {
			total.Status = st.Status
		}
		total.TotalCount += st.TotalCount
		total.SuccessCount += st.SuccessCount
		total.FailureCount += st.FailureCount
		total.PendingCount += st.PendingCount
		total.Successes = append(total.Successes, st.Successes...)
		total.Failures = append(total.Failures, st.Failures...)
		total.Pendings = append(total.Pendings, st.Pendings...)
		return nil
	}
	for _, o := range objs {
		b, err := aptgraph.EncodeObject(o)
		if err != nil {
			return total, err
		}
		if len(chunk) > 0 && (len(chunk) >= max(c.ChunkSize, 1) || size+len(b)+1 > c.ChunkBytes) {
			if err := flush(); err != nil {
				return total, err
			}
		}
		chunk = append(chunk, b)
		size += len(b) + 1
	}
	if err := flush(); err != nil {
		return total, err
	}
	return total, nil
}

// Collections returns the collections the client's token may use.
func (c *Client) Collections(ctx context.Context) ([]Collection, error) {
	var cs Collections
	if _, err := c.do(ctx, http.MethodGet, "collections/", nil, &cs); err != nil {
		return nil, err
	}
	return cs.Collections, nil
}

// do sends a request to the API root and decodes a successful answer into
// v. A TAXII error becomes an *aptgraph.Error whose code follows its status.
func (c *Client) do(ctx context.Context, method, path string, body []byte, v any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.apiRoot+path, rd)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "taxii request cannot be made", err)
	}
	req.Header.Set("Accept", MediaType)
	if body != nil {
		req.Header.Set("Content-Type", MediaType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "taxii server cannot be reached", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "taxii response cannot be read", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, statusError(resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "taxii server sent malformed JSON", err)
	}
	return resp.Header, nil
}

// statusError returns the error for a TAXII error response.
func statusError(status int, body []byte) error {
	var msg ErrorMessage
	json.Unmarshal(body, &msg)
	text := fmt.Sprintf("taxii server answered %d", status)
	if msg.Title != "" {
		text += ": " + msg.Title
		if msg.Description != "" {
			text += ": " + msg.Description
		}
	}
	code := aptgraph.EINTERNAL
	switch {
	case status == http.StatusBadRequest:
		code = aptgraph.EINVALID
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		code = aptgraph.EUNAUTHORIZED
	case status == http.StatusNotFound:
		code = aptgraph.ENOTFOUND
	case status == http.StatusRequestEntityTooLarge:
		code = aptgraph.ETOOLARGE
	case status == http.StatusNotAcceptable || status == http.StatusUnsupportedMediaType:
		code = aptgraph.EUNSUPPORTED
	case status == http.StatusConflict:
		code = aptgraph.ECONFLICT
	case status == http.StatusTooManyRequests || status >= 500:
		code = aptgraph.EUNAVAILABLE
	}
	return aptgraph.Errorf(code, "%s", text)
}

// Discover reads the discovery resource at discoveryURL (such as
// "https://host/taxii2/") and returns its default API root, or its first
// one when it names no default. Returns ENOTFOUND when it names none.
func Discover(ctx context.Context, discoveryURL, token string, httpClient *http.Client) (string, error) {
	if !strings.HasSuffix(discoveryURL, "/") {
		discoveryURL += "/"
	}
	c := NewClient(discoveryURL, token, httpClient)
	var d Discovery
	if _, err := c.do(ctx, http.MethodGet, "", nil, &d); err != nil {
		return "", err
	}
	root := d.Default
	if root == "" && len(d.APIRoots) > 0 {
		root = d.APIRoots[0]
	}
	if root == "" {
		return "", aptgraph.Errorf(aptgraph.ENOTFOUND, "taxii server at %s names no API root", discoveryURL)
	}
	if u, err := url.Parse(root); err == nil && !u.IsAbs() {
		if base, err := url.Parse(discoveryURL); err == nil {
			root = base.ResolveReference(u).String()
		}
	}
	return root, nil
}
