package taxii

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/google/uuid"
)

// ServerOptions configure a Server. Zero fields take the defaults named.
type ServerOptions struct {
	Title           string // the discovery and API root title; "aptgraph"
	MaxBodyBytes    int64  // the largest request body; 16 MiB
	MaxPageSize     int    // the largest page a request may ask for; 1000
	DefaultPageSize int    // the page size when a request gives no limit; 100, at most MaxPageSize
	APIRoot         string // the path of the one API root; "/taxii2/api1/"

	// UnmarkedTLP is the TLP level given to posted objects that carry no
	// TLP marking; its zero value is TLP:CLEAR.
	UnmarkedTLP stix.TLP

	Logger *slog.Logger // where internal errors go; slog.Default()

	// CacheBytes bounds the page cache of GET objects and GET manifest
	// (see pageCache): 256 MiB when zero, no cache when negative.
	CacheBytes int64

	// CacheCheckInterval is how long the page cache may trust the store's
	// write marker before reading it again. Zero (the default) reads it on
	// every request: two indexed reads of at most one row each, and a
	// write by another process (a TLP re-marking included) is seen at once,
	// as without the cache. A positive value saves those reads, and a write
	// by another process is then seen at most this long after it; writes
	// through this server are seen at once either way.
	CacheCheckInterval time.Duration
}

// discoveryPath is where TAXII 2.1 clients look for the discovery resource.
const discoveryPath = "/taxii2/"

// maxStatuses bounds the status resources a Server keeps in memory.
const maxStatuses = 10000

// Server is a TAXII 2.1 server over a store: an http.Handler.
type Server struct {
	store aptgraph.Store
	opt   ServerOptions
	mux   *http.ServeMux

	routes map[string]route // by mux pattern

	tlps   tlpCache   // the TLP of referenced objects
	tokens tokenCache // recently used tokens (see tokenTTL)
	pages  *pageCache // whole pages of objects and manifests; nil when off

	collMu sync.Mutex
	colls  map[string]*aptgraph.Collection // collections found, by path key (see lookupCollection)

	mu       sync.Mutex
	statuses map[string]*statusEntry
	order    []string // status ids, oldest first
}

type statusEntry struct {
	tokenID string
	status  *Status
}

// NewServer returns a TAXII 2.1 server over store.
func NewServer(store aptgraph.Store, opt ServerOptions) *Server {
	if opt.Title == "" {
		opt.Title = "aptgraph"
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 16 << 20
	}
	if opt.MaxPageSize <= 0 {
		opt.MaxPageSize = 1000
	}
	if opt.DefaultPageSize <= 0 {
		opt.DefaultPageSize = 100
	}
	opt.DefaultPageSize = min(opt.DefaultPageSize, opt.MaxPageSize)
	if opt.APIRoot == "" {
		opt.APIRoot = "/taxii2/api1/"
	}
	if !strings.HasPrefix(opt.APIRoot, "/") {
		opt.APIRoot = "/" + opt.APIRoot
	}
	if !strings.HasSuffix(opt.APIRoot, "/") {
		opt.APIRoot += "/"
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.CacheBytes == 0 {
		opt.CacheBytes = 256 << 20
	}
	s := &Server{store: store, opt: opt, mux: http.NewServeMux(), statuses: map[string]*statusEntry{}}
	if opt.CacheBytes > 0 {
		s.pages = newPageCache(opt.CacheBytes, opt.CacheCheckInterval)
	}
	root := opt.APIRoot
	s.handle(discoveryPath+"{$}", http.MethodGet, s.getDiscovery)
	s.handle(root+"{$}", http.MethodGet, s.getAPIRoot)
	s.handle(root+"collections/{$}", http.MethodGet, s.getCollections)
	s.handle(root+"collections/{cid}/{$}", http.MethodGet, s.getCollection)
	s.handle(root+"collections/{cid}/objects/{$}", http.MethodGet, s.getObjects)
	s.handle(root+"collections/{cid}/objects/{$}", http.MethodPost, s.postObjects)
	s.handle(root+"collections/{cid}/objects/{oid}/{$}", http.MethodGet, s.getObject)
	s.handle(root+"collections/{cid}/objects/{oid}/versions/{$}", http.MethodGet, s.getVersions)
	s.handle(root+"collections/{cid}/manifest/{$}", http.MethodGet, s.getManifest)
	s.handle(root+"status/{sid}/{$}", http.MethodGet, s.getStatus)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not found", "There is no TAXII resource at this path.")
	})
	return s
}

// route holds a path pattern's handlers by method, so that a wrong method
// gets a TAXII error rather than the mux's plain text.
type route map[string]http.HandlerFunc

// handle registers h for method on pattern; the mux sees each pattern once.
func (s *Server) handle(pattern, method string, h http.HandlerFunc) {
	if s.routes == nil {
		s.routes = map[string]route{}
	}
	rt, ok := s.routes[pattern]
	if !ok {
		rt = route{}
		s.routes[pattern] = rt
		s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			m := r.Method
			if m == http.MethodHead {
				m = http.MethodGet
			}
			h, ok := rt[m]
			if !ok {
				allow := make([]string, 0, len(rt))
				for k := range rt {
					allow = append(allow, k)
				}
				slices.Sort(allow)
				w.Header().Set("Allow", strings.Join(allow, ", "))
				writeError(w, http.StatusMethodNotAllowed, "Method not allowed", "This resource does not support "+r.Method+".")
				return
			}
			h(w, r)
		})
	}
	rt[method] = h
}

// ServeHTTP serves the TAXII 2.1 API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", MediaType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if !acceptsTAXII(r.Header.Values("Accept")) {
		writeError(w, http.StatusNotAcceptable, "Not acceptable", "This server answers only in "+MediaType+".")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// HTTPServer returns an http.Server for s on addr, with timeouts that keep
// slow or idle clients from holding connections.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// acceptsTAXII reports whether Accept header values admit the TAXII 2.1
// media type. No header admits anything.
func acceptsTAXII(values []string) bool {
	seen := false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			seen = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err != nil || f <= 0 {
					continue
				}
			}
			switch mt {
			case "*/*", "application/*":
				return true
			case "application/taxii+json":
				if ver, ok := params["version"]; !ok || ver == "2.1" {
					return true
				}
			}
		}
	}
	return !seen
}

// isTAXIIContent reports whether a Content-Type is the TAXII 2.1 media type.
func isTAXIIContent(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/taxii+json" {
		return false
	}
	ver, ok := params["version"]
	return !ok || ver == "2.1"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Internal error", "")
		return
	}
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, title, description string) {
	w.Header().Set("Content-Type", MediaType)
	b, _ := json.Marshal(ErrorMessage{Title: title, Description: description, HTTPStatus: strconv.Itoa(status)})
	w.WriteHeader(status)
	w.Write(b)
}

// fail answers with the TAXII error for err: its user-safe message for the
// codes a client can act on, and nothing of the detail, which goes to the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := aptgraph.ErrorCode(err)
	msg := aptgraph.ErrorMessage(err)
	switch code {
	case aptgraph.EINVALID:
		writeError(w, http.StatusBadRequest, "Bad request", msg)
	case aptgraph.ENOTFOUND:
		writeError(w, http.StatusNotFound, "Not found", msg)
	case aptgraph.EUNAUTHORIZED:
		writeError(w, http.StatusForbidden, "Forbidden", msg)
	case aptgraph.ECONFLICT:
		writeError(w, http.StatusConflict, "Conflict", msg)
	case aptgraph.ETOOLARGE:
		writeError(w, http.StatusRequestEntityTooLarge, "Request too large", msg)
	case aptgraph.EUNSUPPORTED:
		writeError(w, http.StatusUnsupportedMediaType, "Unsupported media type", msg)
	case aptgraph.EUNAVAILABLE:
		s.opt.Logger.Error("taxii", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusServiceUnavailable, "Service unavailable", "The store cannot be reached; try again later.")
	default:
		s.opt.Logger.Error("taxii", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "Internal error", "The server failed to handle the request.")
	}
}

// authenticate returns the token of the request's credentials: a Bearer
// token, or HTTP Basic with the token secret as password. It answers 401
// itself and returns nil when there is no valid token.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *aptgraph.Token {
	var secret string
	h := r.Header.Get("Authorization")
	if scheme, rest, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		secret = strings.TrimSpace(rest)
	} else if _, pw, ok := r.BasicAuth(); ok {
		secret = pw
	}
	if secret == "" {
		s.unauthorized(w, "This resource needs a token: Authorization: Bearer <token>.")
		return nil
	}
	tok, err := s.tokens.get(r.Context(), s.store, secret)
	if aptgraph.ErrorCode(err) == aptgraph.EUNAUTHORIZED {
		s.unauthorized(w, "The token is unknown or revoked.")
		return nil
	} else if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return tok
}

func (s *Server) unauthorized(w http.ResponseWriter, description string) {
	w.Header().Add("WWW-Authenticate", `Bearer realm="taxii"`)
	w.Header().Add("WWW-Authenticate", `Basic realm="taxii"`)
	writeError(w, http.StatusUnauthorized, "Unauthorized", description)
}

// collection returns the collection of the request path for tok, checking
// that tok may read it (or write it, with write). It answers the request
// itself and returns nil otherwise: 404 for a collection unknown or outside
// the token's scope, so that ids do not leak, and 403 for a missing right.
func (s *Server) collection(w http.ResponseWriter, r *http.Request, tok *aptgraph.Token, write bool) *aptgraph.Collection {
	c, err := s.lookupCollection(r.Context(), r.PathValue("cid"))
	if aptgraph.ErrorCode(err) == aptgraph.ENOTFOUND || err == nil && !tok.CanRead(c.ID) && !tok.CanWrite(c.ID) {
		writeError(w, http.StatusNotFound, "Collection not found", "There is no such collection, or the token cannot use it.")
		return nil
	} else if err != nil {
		s.fail(w, r, err)
		return nil
	}
	if write && !tok.CanWrite(c.ID) {
		writeError(w, http.StatusForbidden, "Forbidden", "The token may not add objects to this collection.")
		return nil
	}
	if !write && !tok.CanRead(c.ID) {
		writeError(w, http.StatusForbidden, "Forbidden", "The token may not read this collection.")
		return nil
	}
	return c
}

// lookupCollection returns the collection whose id or alias is key. The
// collections found are kept: a store never deletes or changes one (the
// Store interface has no method that could), so an entry never goes stale,
// and a page costs one query less. Unknown keys are always looked up.
func (s *Server) lookupCollection(ctx context.Context, key string) (*aptgraph.Collection, error) {
	s.collMu.Lock()
	c, ok := s.colls[key]
	s.collMu.Unlock()
	if ok {
		return c, nil
	}
	c, err := s.store.Collection(ctx, key)
	if err != nil {
		return nil, err
	}
	s.collMu.Lock()
	if s.colls == nil || len(s.colls) >= 4096 {
		s.colls = map[string]*aptgraph.Collection{}
	}
	s.colls[key] = c
	s.collMu.Unlock()
	return c, nil
}

func (s *Server) apiRootURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + s.opt.APIRoot
}

func (s *Server) getDiscovery(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r) == nil {
		return
	}
	root := s.apiRootURL(r)
	writeJSON(w, http.StatusOK, Discovery{Title: s.opt.Title, Default: root, APIRoots: []string{root}})
}

func (s *Server) getAPIRoot(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r) == nil {
		return
	}
	writeJSON(w, http.StatusOK, APIRoot{Title: s.opt.Title, Versions: []string{MediaType}, MaxContentLength: s.opt.MaxBodyBytes})
}

func resource(c *aptgraph.Collection, tok *aptgraph.Token) Collection {
	return Collection{ID: c.ID, Title: c.Title, Description: c.Description, Alias: c.Alias,
		CanRead: tok.CanRead(c.ID), CanWrite: tok.CanWrite(c.ID), MediaTypes: []string{stixMediaType}}
}

func (s *Server) getCollections(w http.ResponseWriter, r *http.Request) {
	tok := s.authenticate(w, r)
	if tok == nil {
		return
	}
	cs, err := s.store.Collections(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out Collections
	for _, c := range cs {
		if tok.CanRead(c.ID) || tok.CanWrite(c.ID) {
			out.Collections = append(out.Collections, resource(c, tok))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCollection(w http.ResponseWriter, r *http.Request) {
	tok := s.authenticate(w, r)
	if tok == nil {
		return
	}
	c, err := s.lookupCollection(r.Context(), r.PathValue("cid"))
	if aptgraph.ErrorCode(err) == aptgraph.ENOTFOUND || err == nil && !tok.CanRead(c.ID) && !tok.CanWrite(c.ID) {
		writeError(w, http.StatusNotFound, "Collection not found", "There is no such collection, or the token cannot use it.")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resource(c, tok))
}

// page is one page of visible object versions.
type page struct {
	objs []*aptgraph.StoredObject // visible, with raw JSON trimmed as needed
	more bool
	next string
}

// query reads the filter parameters of a request into f: added_after,
// limit, next and the match[...] parameters. It returns the page size.
func (s *Server) query(r *http.Request, f *aptgraph.ObjectFilter, versions bool) (int, error) {
	q := r.URL.Query()
	if v := q.Get("added_after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return 0, aptgraph.Errorf(aptgraph.EINVALID, "added_after %q is not an RFC 3339 timestamp", v)
		}
		f.AddedAfter = t
	}
	limit := s.opt.DefaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, aptgraph.Errorf(aptgraph.EINVALID, "limit %q is not a positive number", v)
		}
		limit = min(n, s.opt.MaxPageSize)
	}
	if v := q.Get("next"); v != "" {
		seq, ok := decodeNext(v)
		if !ok {
			return 0, aptgraph.Errorf(aptgraph.EINVALID, "next is not a token this server gave")
		}
		f.AfterSeq = seq
	}
	list := func(name string) []string {
		var out []string
		for _, v := range q[name] {
			for p := range strings.SplitSeq(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
		}
		return out
	}
	if f.IDs == nil {
		f.IDs = list("match[id]")
	}
	f.Types = list("match[type]")
	f.SpecVersions = list("match[spec_version]")
	if versions {
		f.Versions = []string{aptgraph.VersionAll}
	} else {
		f.Versions = list("match[version]")
		for _, v := range f.Versions {
			switch v {
			case aptgraph.VersionAll, aptgraph.VersionFirst, aptgraph.VersionLast:
			default:
				if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
					return 0, aptgraph.Errorf(aptgraph.EINVALID, "match[version] %q is neither last, first, all nor a timestamp", v)
				}
			}
		}
	}
	if len(f.IDs) > s.opt.MaxPageSize || len(f.Types) > 100 || len(f.SpecVersions) > 10 || len(f.Versions) > 100 {
		return 0, aptgraph.Errorf(aptgraph.EINVALID, "too many match values")
	}
	return limit, nil
}

// read returns one page of what f selects in collection c that tok may see.
func (s *Server) read(ctx context.Context, tok *aptgraph.Token, c *aptgraph.Collection, f aptgraph.ObjectFilter, limit int) (*page, error) {
	f.Collection = c.ID
	maxTLP := tok.MaxTLP
	f.MaxTLP = &maxTLP
	f.Limit = limit + 1
	objs, err := s.store.Objects(ctx, f)
	if err != nil {
		return nil, err
	}
	p := &page{}
	if len(objs) > limit {
		objs = objs[:limit]
		p.more = true
		p.next = encodeNext(objs[len(objs)-1].Seq)
	}
	p.objs, err = s.visible(ctx, tok, objs)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// visible returns the objects of objs that tok may see whole or trimmed: it
// withholds a relationship or sighting that points at an object above the
// token's TLP, and trims such objects from object_refs, withholding an
// object whose refs are all trimmed. objs are at or below the token's
// TLP already. Objects read with RawOnly are decoded only when their JSON
// names a reference property, and then only those properties.
func (s *Server) visible(ctx context.Context, tok *aptgraph.Token, objs []*aptgraph.StoredObject) ([]*aptgraph.StoredObject, error) {
	if tok.MaxTLP >= stix.TLPRed || len(objs) == 0 {
		return objs, nil
	}
	var (
		refSet   map[string]bool
		withRefs []int // indexes of the objects that have refs
		refsAt   = map[int]*objRefs{}
	)
	for i, so := range objs {
		r, err := refsOfStored(so)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		if refSet == nil {
			refSet = map[string]bool{}
		}
		withRefs = append(withRefs, i)
		refsAt[i] = r
		r.each(func(id string) { refSet[id] = true })
	}
	if len(refSet) == 0 {
		return objs, nil
	}
	refs := make([]string, 0, len(refSet))
	for ref := range refSet {
		refs = append(refs, ref)
	}
	levels, err := s.tlps.levels(ctx, s.store, refs)
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for id, t := range levels {
		if t > tok.MaxTLP {
			hidden[id] = true
		}
	}
	if len(hidden) == 0 {
		return objs, nil
	}
	out := objs[:0:0]
	next := 0 // the next index of withRefs
	for i, so := range objs {
		if next >= len(withRefs) || withRefs[next] != i {
			out = append(out, so)
			continue
		}
		next++
		r := refsAt[i]
		if hidden[r.SourceRef] || hidden[r.TargetRef] || hidden[r.SightingOfRef] {
			continue
		}
		if len(r.ObjectRefs) == 0 || !slices.ContainsFunc(r.ObjectRefs, func(id string) bool { return hidden[id] }) {
			out = append(out, so)
			continue
		}
		o := so.Object
		if o == nil {
			o = new(stix.Object)
			if err := json.Unmarshal(so.Raw, o); err != nil {
				return nil, fmt.Errorf("decode stored object %s: %w", so.ID, err)
			}
		}
		kept := slices.DeleteFunc(slices.Clone(o.ObjectRefs), func(id string) bool { return hidden[id] })
		if len(kept) == 0 {
			continue
		}
		c := *o
		c.ObjectRefs = kept
		raw, err := aptgraph.EncodeObject(&c)
		if err != nil {
			return nil, fmt.Errorf("trim object_refs of %s: %w", o.ID, err)
		}
		t := *so
		t.Object, t.Raw = &c, raw
		out = append(out, &t)
	}
	return out, nil
}

// objRefs are the properties of an object that point at others and decide
// whether it may be seen.
type objRefs struct {
	SourceRef     string   `json:"source_ref"`
	TargetRef     string   `json:"target_ref"`
	SightingOfRef string   `json:"sighting_of_ref"`
	ObjectRefs    []string `json:"object_refs"`
}

func (r *objRefs) each(fn func(id string)) {
	for _, id := range [...]string{r.SourceRef, r.TargetRef, r.SightingOfRef} {
		if id != "" {
			fn(id)
		}
	}
	for _, id := range r.ObjectRefs {
		fn(id)
	}
}

func (r *objRefs) empty() bool {
	return r.SourceRef == "" && r.TargetRef == "" && r.SightingOfRef == "" && len(r.ObjectRefs) == 0
}

// refsOfStored returns the refs of a stored object, or nil when it has
// none. An object read without decoding is decoded, into objRefs alone,
// only when its JSON holds one of their keys (see mayHaveRefs).
func refsOfStored(so *aptgraph.StoredObject) (*objRefs, error) {
	var r objRefs
	if o := so.Object; o != nil {
		r = objRefs{SourceRef: o.SourceRef, TargetRef: o.TargetRef, SightingOfRef: sightingOf(o), ObjectRefs: o.ObjectRefs}
	} else {
		if !mayHaveRefs(so.Raw) {
			return nil, nil
		}
		var ok bool
		if r, ok = scanRefs(so.Raw); !ok {
			r = objRefs{}
			if err := json.Unmarshal(so.Raw, &r); err != nil {
				return nil, fmt.Errorf("decode refs of stored object %s: %w", so.ID, err)
			}
		}
	}
	if r.empty() {
		return nil, nil
	}
	return &r, nil
}

// mayHaveRefs reports whether stored JSON may hold one of the keys of
// objRefs, as encoding/json matches them: case-insensitively. It makes one
// pass over the underscores, looking at each "_ref" key ending (a few an
// object: created_by_ref, object_marking_refs, external_references). JSON
// with a \u escape anywhere may spell a key in escapes, so it counts as
// having refs; a false yes costs only a scan (scanRefs).
func mayHaveRefs(raw []byte) bool {
	if bytes.Contains(raw, []byte(`\u`)) {
		return true
	}
	for i := 0; ; {
		j := bytes.IndexByte(raw[i:], '_')
		if j < 0 {
			return false
		}
		at := i + j
		i = at + 1
		if len(raw)-i < 3 || !bytes.EqualFold(raw[i:i+3], []byte("ref")) {
			continue
		}
		end := i + 3 // just past the key
		if end < len(raw) && (raw[end] == 's' || raw[end] == 'S') {
			end++
		}
		if end >= len(raw) || raw[end] != '"' {
			continue
		}
		start := bytes.LastIndexByte(raw[:at], '"')
		if start < 0 {
			continue
		}
		if isRefKey(raw[start+1 : end]) {
			return true
		}
	}
}

// isRefKey reports whether key names a property of objRefs, to
// encoding/json, which matches keys case-insensitively.
func isRefKey(key []byte) bool {
	for _, k := range refKeyNames {
		if bytes.EqualFold(key, k) {
			return true
		}
	}
	return false
}

var refKeyNames = [...][]byte{[]byte("source_ref"), []byte("target_ref"), []byte("sighting_of_ref"), []byte("object_refs")}

// sightingOf returns the sighting_of_ref of a sighting, or "".
func sightingOf(o *stix.Object) string {
	raw, ok := o.Extra["sighting_of_ref"]
	if !ok {
		return ""
	}
	var id string
	json.Unmarshal(raw, &id)
	return id
}

func setDateHeaders(w http.ResponseWriter, objs []*aptgraph.StoredObject) {
	if len(objs) == 0 {
		return
	}
	w.Header().Set(headerDateAddedFirst, formatTime(objs[0].DateAdded))
	w.Header().Set(headerDateAddedLast, formatTime(objs[len(objs)-1].DateAdded))
}

// readRequest authenticates a GET of a collection's objects, parses its
// filter and reads the page. It answers the request itself and returns nil
// on failure.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request, f aptgraph.ObjectFilter, versions bool) *page {
	tok := s.authenticate(w, r)
	if tok == nil {
		return nil
	}
	c := s.collection(w, r, tok, false)
	if c == nil {
		return nil
	}
	limit, err := s.query(r, &f, versions)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	p, err := s.read(r.Context(), tok, c, f, limit)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	setDateHeaders(w, p.objs)
	return p
}

func (s *Server) getObjects(w http.ResponseWriter, r *http.Request) {
	if s.pages != nil {
		s.cachedRead(w, r, "objects", aptgraph.ObjectFilter{RawOnly: true}, func(p *page) ([]byte, error) {
			return appendEnvelope(make([]byte, 0, envelopeSize(p)), p), nil
		})
		return
	}
	p := s.readRequest(w, r, aptgraph.ObjectFilter{RawOnly: true}, false)
	if p == nil {
		return
	}
	writeEnvelope(w, p)
}

// writeEnvelope answers with a page as an envelope. It writes the stored
// JSON of the objects as it is, which the store keeps compact and valid:
// json.Marshal would re-validate and re-compact every object, a good part
// of the cost of a page of 1,000. The envelope is put together in a
// pooled buffer, so that a page costs no new allocation of its size.
func writeEnvelope(w http.ResponseWriter, p *page) {
	bp := envelopePool.Get().(*[]byte)
	b := appendEnvelope(slices.Grow((*bp)[:0], envelopeSize(p)), p)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	if cap(b) <= maxPooledEnvelope {
		*bp = b
		envelopePool.Put(bp)
	}
}

// envelopeSize returns the length of p's envelope, or a little more.
func envelopeSize(p *page) int {
	size := 64 + len(p.next)
	for _, so := range p.objs {
		size += len(so.Raw) + 1
	}
	return size
}

// appendEnvelope appends the envelope of p to b.
func appendEnvelope(b []byte, p *page) []byte {
	b = append(b, '{')
	if p.more {
		b = append(b, `"more":true,`...)
	}
	if p.next != "" {
		b = append(b, `"next":`...)
		b = strconv.AppendQuote(b, p.next) // base64url: nothing to escape
		b = append(b, ',')
	}
	if len(p.objs) > 0 {
		b = append(b, `"objects":[`...)
		for i, so := range p.objs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, so.Raw...)
		}
		b = append(b, "],"...)
	}
	if b[len(b)-1] == ',' {
		b[len(b)-1] = '}'
	} else {
		b = append(b, '}') // an empty envelope: {}
	}
	return b
}

// envelopePool holds envelope buffers; maxPooledEnvelope bounds the
// buffers it keeps (a page of 1,000 typical objects is under 1 MiB).
var envelopePool = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledEnvelope = 8 << 20

func (s *Server) getObject(w http.ResponseWriter, r *http.Request) {
	p := s.readRequest(w, r, aptgraph.ObjectFilter{IDs: []string{r.PathValue("oid")}, RawOnly: true}, false)
	if p == nil {
		return
	}
	if len(p.objs) == 0 && !p.more {
		writeError(w, http.StatusNotFound, "Object not found", "The collection holds no such object that the token may read.")
		return
	}
	writeEnvelope(w, p)
}

func (s *Server) getVersions(w http.ResponseWriter, r *http.Request) {
	p := s.readRequest(w, r, aptgraph.ObjectFilter{IDs: []string{r.PathValue("oid")}}, true)
	if p == nil {
		return
	}
	if len(p.objs) == 0 && !p.more {
		writeError(w, http.StatusNotFound, "Object not found", "The collection holds no such object that the token may read.")
		return
	}
	out := Versions{More: p.more, Next: p.next}
	for _, so := range p.objs {
		out.Versions = append(out.Versions, version(so))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getManifest(w http.ResponseWriter, r *http.Request) {
	if s.pages != nil {
		s.cachedRead(w, r, "manifest", aptgraph.ObjectFilter{}, func(p *page) ([]byte, error) {
			return json.Marshal(manifest(p))
		})
		return
	}
	p := s.readRequest(w, r, aptgraph.ObjectFilter{}, false)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, manifest(p))
}

func manifest(p *page) Manifest {
	out := Manifest{More: p.more, Next: p.next}
	for _, so := range p.objs {
		out.Objects = append(out.Objects, ManifestRecord{ID: so.Object.ID, DateAdded: formatTime(so.DateAdded),
			Version: version(so), MediaType: stixMediaType})
	}
	return out
}

// cachedRead answers a GET of a collection's objects or manifest (kind)
// from the page cache, or reads the page, renders its body and keeps it.
// The token and its right to read the collection are checked first, on
// every request; the marker is read before the page, so that a page kept
// is never older than the marker it is kept under.
func (s *Server) cachedRead(w http.ResponseWriter, r *http.Request, kind string, f aptgraph.ObjectFilter, render func(*page) ([]byte, error)) {
	tok := s.authenticate(w, r)
	if tok == nil {
		return
	}
	c := s.collection(w, r, tok, false)
	if c == nil {
		return
	}
	limit, err := s.query(r, &f, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	m, err := s.pages.marker(ctx, s.store, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := pageKey(kind, c.ID, tok.MaxTLP, r.URL.Query())
	tag := etag(key, m)
	if etagMatches(r.Header.Values("If-None-Match"), tag) {
		w.Header().Set("ETag", tag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e, done := s.pages.join(ctx, key, m)
	if e != nil {
		writeCached(w, r, e)
		return
	}
	e, err = s.renderPage(ctx, tok, c, f, limit, render)
	if err != nil {
		done(nil)
		s.fail(w, r, err)
		return
	}
	e.key, e.mark, e.etag = key, m, tag
	done(e)
	writeCached(w, r, e)
}

// renderPage reads a page and renders it as a cache entry, without its
// key, marker and tag.
func (s *Server) renderPage(ctx context.Context, tok *aptgraph.Token, c *aptgraph.Collection, f aptgraph.ObjectFilter, limit int,
	render func(*page) ([]byte, error)) (*cacheEntry, error) {
	p, err := s.read(ctx, tok, c, f, limit)
	if err != nil {
		return nil, err
	}
	body, err := render(p)
	if err != nil {
		return nil, err
	}
	e := &cacheEntry{body: body}
	if len(p.objs) > 0 {
		e.first, e.last = formatTime(p.objs[0].DateAdded), formatTime(p.objs[len(p.objs)-1].DateAdded)
	}
	return e, nil
}

// writeCached answers with a page of the cache, or 304 when the request's
// If-None-Match names it.
func writeCached(w http.ResponseWriter, r *http.Request, e *cacheEntry) {
	h := w.Header()
	h.Set("ETag", e.etag)
	if etagMatches(r.Header.Values("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if e.first != "" {
		h.Set(headerDateAddedFirst, e.first)
		h.Set(headerDateAddedLast, e.last)
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(http.StatusOK)
	w.Write(e.body)
}

// etagMatches reports whether If-None-Match values name tag, by the weak
// comparison (RFC 9110 13.1.2), or are "*".
func etagMatches(values []string, tag string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "*" || strings.TrimPrefix(part, "W/") == strings.TrimPrefix(tag, "W/") {
				return true
			}
		}
	}
	return false
}

// CacheStats returns the entries and bytes the page cache holds.
func (s *Server) CacheStats() (entries int, bytes int64) {
	if s.pages == nil {
		return 0, 0
	}
	return s.pages.stats()
}

// version returns the TAXII version of a stored version: its modified (or
// created) timestamp, else the date it was added.
func version(so *aptgraph.StoredObject) string {
	if so.Object.Modified != "" {
		return so.Object.Modified
	}
	if so.Object.Created != "" {
		return so.Object.Created
	}
	return formatTime(so.DateAdded)
}

func objVersion(o *stix.Object) string {
	if o.Modified != "" {
		return o.Modified
	}
	return o.Created
}

func (s *Server) postObjects(w http.ResponseWriter, r *http.Request) {
	tok := s.authenticate(w, r)
	if tok == nil {
		return
	}
	c := s.collection(w, r, tok, true)
	if c == nil {
		return
	}
	if !isTAXIIContent(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, "Unsupported media type", "Post an envelope as "+MediaType+".")
		return
	}
	if r.ContentLength > s.opt.MaxBodyBytes {
		s.tooLarge(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.tooLarge(w)
			return
		}
		writeError(w, http.StatusBadRequest, "Bad request", "The request body could not be read.")
		return
	}
	var env struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		writeError(w, http.StatusBadRequest, "Bad request", "The body is not a TAXII envelope.")
		return
	}
	if len(env.Objects) == 0 {
		writeError(w, http.StatusBadRequest, "Bad request", "The envelope holds no objects.")
		return
	}
	objs := make([]*stix.Object, len(env.Objects))
	for i, raw := range env.Objects {
		o := new(stix.Object)
		if err := json.Unmarshal(raw, o); err != nil {
			writeError(w, http.StatusBadRequest, "Bad request", fmt.Sprintf("Object %d is not a STIX object; nothing was added.", i))
			return
		}
		if err := aptgraph.ValidateObject(o); err != nil {
			writeError(w, http.StatusBadRequest, "Bad request", fmt.Sprintf("Object %d: %s; nothing was added.", i, aptgraph.ErrorMessage(err)))
			return
		}
		if stix.ObjectTLP(o.ObjectMarkingRefs, s.opt.UnmarkedTLP) > tok.MaxTLP {
			writeError(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("Object %d is marked above the token's TLP; nothing was added.", i))
			return
		}
		objs[i] = o
	}
	requested := time.Now()
	_, err = s.store.Write(r.Context(), &aptgraph.Batch{Objects: objs, Collection: c.ID, UnmarkedTLP: s.opt.UnmarkedTLP})
	if s.pages != nil {
		s.pages.invalidate() // even on error: the store may have committed
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := &Status{ID: uuid.NewString(), Status: "complete", RequestTimestamp: formatTime(requested),
		TotalCount: len(objs), SuccessCount: len(objs)}
	for _, o := range objs {
		st.Successes = append(st.Successes, StatusDetail{ID: o.ID, Version: objVersion(o)})
	}
	s.keepStatus(tok.ID, st)
	writeJSON(w, http.StatusAccepted, st)
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, "Request too large",
		fmt.Sprintf("The body is over the limit of %d bytes (max_content_length).", s.opt.MaxBodyBytes))
}

func (s *Server) keepStatus(tokenID string, st *Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[st.ID] = &statusEntry{tokenID: tokenID, status: st}
	s.order = append(s.order, st.ID)
	if len(s.order) > maxStatuses {
		delete(s.statuses, s.order[0])
		s.order = slices.Delete(s.order, 0, 1)
	}
}

// getStatus answers a status resource only to the token that made it: a
// status lists the ids posted, which another reader may not be cleared for.
func (s *Server) getStatus(w http.ResponseWriter, r *http.Request) {
	tok := s.authenticate(w, r)
	if tok == nil {
		return
	}
	s.mu.Lock()
	e := s.statuses[r.PathValue("sid")]
	s.mu.Unlock()
	if e == nil || e.tokenID != tok.ID {
		writeError(w, http.StatusNotFound, "Status not found", "There is no such status resource for this token.")
		return
	}
	writeJSON(w, http.StatusOK, e.status)
}
