package taxii_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
	"github.com/google/uuid"
)

const root = "/taxii2/api1/"

// env is a test server over a fresh SQLite store with one collection.
type env struct {
	t     *testing.T
	store aptgraph.Store
	srv   *httptest.Server
	coll  *aptgraph.Collection
	rw    string // a read-write token with TLP:RED

	server *taxii.Server
}

func newEnv(t *testing.T, eng engine, opt taxii.ServerOptions) *env {
	t.Helper()
	return newEnvOn(t, eng.open(t), opt)
}

// newEnvOn is newEnv over a store opened already.
func newEnvOn(t *testing.T, st aptgraph.Store, opt taxii.ServerOptions) *env {
	t.Helper()
	ctx := context.Background()
	c := &aptgraph.Collection{Title: "Shared", Alias: "shared"}
	if err := st.CreateCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	ts := taxii.NewServer(st, opt)
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	e := &env{t: t, store: st, srv: srv, coll: c, server: ts}
	e.rw = e.token(aptgraph.TokenSpec{Name: "rw", Collections: []string{c.ID}, Read: true, Write: true, MaxTLP: stix.TLPRed})
	return e
}

func (e *env) token(spec aptgraph.TokenSpec) string {
	e.t.Helper()
	secret, _, err := e.store.CreateToken(context.Background(), spec)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *env) url(path string) string { return e.srv.URL + root + path }

func (e *env) objectsPath() string { return "collections/" + e.coll.ID + "/objects/" }

// do sends a request and returns the status, headers and body.
func (e *env) do(method, url, token string, body []byte, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept", taxii.MediaType)
	if body != nil {
		req.Header.Set("Content-Type", taxii.MediaType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != taxii.MediaType {
		e.t.Errorf("%s %s: Content-Type %q, want %q", method, url, ct, taxii.MediaType)
	}
	return resp.StatusCode, resp.Header, b
}

// get fetches url and decodes its JSON into v, failing unless the status is want.
func (e *env) get(url, token string, want int, v any) http.Header {
	e.t.Helper()
	code, h, b := e.do(http.MethodGet, url, token, nil)
	if code != want {
		e.t.Fatalf("GET %s: status %d, want %d: %s", url, code, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			e.t.Fatalf("GET %s: %v: %s", url, err, b)
		}
	}
	return h
}

// post posts objs to the collection as an envelope.
func (e *env) post(token string, objs ...*stix.Object) (int, []byte) {
	e.t.Helper()
	b, err := json.Marshal(map[string]any{"objects": objs})
	if err != nil {
		e.t.Fatal(err)
	}
	code, _, body := e.do(http.MethodPost, e.url(e.objectsPath()), token, b)
	return code, body
}

func (e *env) mustPost(token string, objs ...*stix.Object) *taxii.Status {
	e.t.Helper()
	code, body := e.post(token, objs...)
	if code != http.StatusAccepted {
		e.t.Fatalf("POST: status %d, want 202: %s", code, body)
	}
	var st taxii.Status
	if err := json.Unmarshal(body, &st); err != nil {
		e.t.Fatal(err)
	}
	return &st
}

func malware(name string, tlp stix.TLP) *stix.Object {
	return &stix.Object{Type: "malware", SpecVersion: "2.1", ID: "malware--" + uuid.NewString(),
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z", Name: name,
		ObjectMarkingRefs: []string{tlp.MarkingID()}}
}

func relationship(src, dst string, tlp stix.TLP) *stix.Object {
	return &stix.Object{Type: "relationship", SpecVersion: "2.1", ID: "relationship--" + uuid.NewString(),
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z", RelationshipType: "uses",
		SourceRef: src, TargetRef: dst, ObjectMarkingRefs: []string{tlp.MarkingID()}}
}

func ids(t *testing.T, raws []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range raws {
		var o stix.Object
		if err := json.Unmarshal(r, &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o.ID)
	}
	return out
}

func testDiscoveryAndCollections(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{Title: "test"})
	var d taxii.Discovery
	e.get(e.srv.URL+"/taxii2/", e.rw, http.StatusOK, &d)
	if d.Title != "test" || d.Default != e.srv.URL+root || len(d.APIRoots) != 1 {
		t.Errorf("discovery = %+v", d)
	}
	var ar taxii.APIRoot
	e.get(e.url(""), e.rw, http.StatusOK, &ar)
	if ar.MaxContentLength != 16<<20 || len(ar.Versions) != 1 || ar.Versions[0] != taxii.MediaType {
		t.Errorf("api root = %+v", ar)
	}

	other := &aptgraph.Collection{Title: "Other"}
	if err := e.store.CreateCollection(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	var cs taxii.Collections
	e.get(e.url("collections/"), e.rw, http.StatusOK, &cs)
	if len(cs.Collections) != 1 || cs.Collections[0].ID != e.coll.ID || !cs.Collections[0].CanRead || !cs.Collections[0].CanWrite {
		t.Errorf("collections = %+v, want only %s", cs, e.coll.ID)
	}
	var c taxii.Collection
	e.get(e.url("collections/"+e.coll.ID+"/"), e.rw, http.StatusOK, &c)
	if c.Title != "Shared" || c.Alias != "shared" {
		t.Errorf("collection = %+v", c)
	}
	// A collection outside the token's scope is not found, as is an unknown one.
	e.get(e.url("collections/"+other.ID+"/"), e.rw, http.StatusNotFound, nil)
	e.get(e.url("collections/"+uuid.NewString()+"/objects/"), e.rw, http.StatusNotFound, nil)
	e.get(e.srv.URL+"/nowhere", e.rw, http.StatusNotFound, nil)
	if code, _, _ := e.do(http.MethodDelete, e.url("collections/"), e.rw, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE collections: status %d, want 405", code)
	}
}

func testPostGetRoundTrip(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	m := malware("Emotet", stix.TLPGreen)
	m.Extra = map[string]json.RawMessage{"x_custom": json.RawMessage(`{"a":[1,2]}`)}
	st := e.mustPost(e.rw, m)
	if st.Status != "complete" || st.TotalCount != 1 || st.SuccessCount != 1 || st.Successes[0].ID != m.ID {
		t.Errorf("status = %+v", st)
	}
	var st2 taxii.Status
	e.get(e.url("status/"+st.ID+"/"), e.rw, http.StatusOK, &st2)
	if st2.ID != st.ID || st2.SuccessCount != 1 {
		t.Errorf("status resource = %+v", st2)
	}
	var env taxii.Envelope
	h := e.get(e.url(e.objectsPath()), e.rw, http.StatusOK, &env)
	if len(env.Objects) != 1 || env.More || env.Next != "" {
		t.Fatalf("envelope = %+v", env)
	}
	var got stix.Object
	if err := json.Unmarshal(env.Objects[0], &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != m.ID || got.Name != "Emotet" || string(got.Extra["x_custom"]) != `{"a":[1,2]}` {
		t.Errorf("got %s, want %s with x_custom", env.Objects[0], m.ID)
	}
	if h.Get("X-TAXII-Date-Added-First") == "" || h.Get("X-TAXII-Date-Added-Last") == "" {
		t.Errorf("missing X-TAXII-Date-Added headers: %v", h)
	}
	// The object endpoint and the collection's alias.
	env = taxii.Envelope{}
	e.get(e.url("collections/shared/objects/"+m.ID+"/"), e.rw, http.StatusOK, &env)
	if len(env.Objects) != 1 {
		t.Errorf("object endpoint gave %d objects, want 1", len(env.Objects))
	}
	e.get(e.url("collections/shared/objects/malware--"+uuid.NewString()+"/"), e.rw, http.StatusNotFound, nil)
}

func testPaging(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{MaxPageSize: 40})
	want := map[string]bool{}
	var objs []*stix.Object
	for i := range 250 {
		o := malware(fmt.Sprintf("m%d", i), stix.TLPClear)
		objs = append(objs, o)
		want[o.ID] = true
	}
	e.mustPost(e.rw, objs[:125]...)
	e.mustPost(e.rw, objs[125:]...)

	seen := map[string]int{}
	next, pages := "", 0
	for {
		url := e.url(e.objectsPath()) + "?limit=100" // clamped to 40
		if next != "" {
			url += "&next=" + next
		}
		var env taxii.Envelope
		e.get(url, e.rw, http.StatusOK, &env)
		pages++
		if len(env.Objects) > 40 {
			t.Fatalf("page of %d objects, want at most 40", len(env.Objects))
		}
		for _, id := range ids(t, env.Objects) {
			seen[id]++
		}
		if !env.More {
			break
		}
		if env.Next == "" {
			t.Fatal("more without next")
		}
		next = env.Next
	}
	if pages != 7 {
		t.Errorf("got %d pages, want 7", pages)
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d objects, want %d", len(seen), len(want))
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Errorf("object %s seen %d times (posted: %v)", id, n, want[id])
		}
	}
}

func testAddedAfterAndMatch(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	a := malware("a", stix.TLPClear)
	e.mustPost(e.rw, a)
	var env taxii.Envelope
	h := e.get(e.url(e.objectsPath()), e.rw, http.StatusOK, &env)
	last := h.Get("X-TAXII-Date-Added-Last")

	b := malware("b", stix.TLPClear)
	ind := &stix.Object{Type: "indicator", SpecVersion: "2.1", ID: "indicator--" + uuid.NewString(),
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z",
		Pattern: "[ipv4-addr:value = '1.2.3.4']", PatternType: "stix", ValidFrom: "2024-01-01T00:00:00Z"}
	e.mustPost(e.rw, b, ind)
	// A second version of a.
	a2 := *a
	a2.Modified = "2024-06-01T00:00:00.000Z"
	a2.Name = "a2"
	e.mustPost(e.rw, &a2)

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"all latest", "", []string{b.ID, ind.ID, a.ID}},
		{"added_after", "?added_after=" + last, []string{b.ID, ind.ID, a.ID}},
		{"type", "?match[type]=indicator", []string{ind.ID}},
		{"types", "?match[type]=indicator,malware", []string{b.ID, ind.ID, a.ID}},
		{"id", "?match[id]=" + b.ID, []string{b.ID}},
		{"version all", "?match[id]=" + a.ID + "&match[version]=all", []string{a.ID, a.ID}},
		{"version first", "?match[id]=" + a.ID + "&match[version]=first", []string{a.ID}},
		{"version timestamp", "?match[version]=2024-06-01T00:00:00.000Z", []string{a.ID}},
		{"spec_version", "?match[spec_version]=2.0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env taxii.Envelope
			e.get(e.url(e.objectsPath())+tt.query, e.rw, http.StatusOK, &env)
			got := ids(t, env.Objects)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	// added_after after the last addition finds nothing.
	h = e.get(e.url(e.objectsPath()), e.rw, http.StatusOK, &env)
	env = taxii.Envelope{}
	e.get(e.url(e.objectsPath())+"?added_after="+h.Get("X-TAXII-Date-Added-Last"), e.rw, http.StatusOK, &env)
	if len(env.Objects) != 0 {
		t.Errorf("added_after the last: got %d objects, want 0", len(env.Objects))
	}

	var vs taxii.Versions
	e.get(e.url(e.objectsPath()+a.ID+"/versions/"), e.rw, http.StatusOK, &vs)
	if strings.Join(vs.Versions, " ") != a.Modified+" "+a2.Modified {
		t.Errorf("versions = %v, want %s %s", vs.Versions, a.Modified, a2.Modified)
	}
	var man taxii.Manifest
	e.get(e.url("collections/"+e.coll.ID+"/manifest/?match[version]=all"), e.rw, http.StatusOK, &man)
	if len(man.Objects) != 4 {
		t.Fatalf("manifest has %d records, want 4: %+v", len(man.Objects), man)
	}
	if r := man.Objects[3]; r.ID != a.ID || r.Version != a2.Modified || r.DateAdded == "" || r.MediaType == "" {
		t.Errorf("last manifest record = %+v", r)
	}
}

func testAuth(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	ctx := context.Background()
	ro := e.token(aptgraph.TokenSpec{Name: "ro", Collections: []string{e.coll.ID}, Read: true, MaxTLP: stix.TLPRed})
	wo := e.token(aptgraph.TokenSpec{Name: "wo", Collections: []string{aptgraph.AllCollections}, Write: true, MaxTLP: stix.TLPRed})
	revoked, tok, err := e.store.CreateToken(ctx, aptgraph.TokenSpec{Name: "old", Collections: []string{e.coll.ID}, Read: true, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	objects := e.url(e.objectsPath())
	e.get(objects, "", http.StatusUnauthorized, nil)
	e.get(objects, "aptg_wrong", http.StatusUnauthorized, nil)
	e.get(objects, revoked, http.StatusUnauthorized, nil)
	e.get(e.url("collections/"), "", http.StatusUnauthorized, nil)
	e.get(objects, ro, http.StatusOK, nil)
	e.get(objects, wo, http.StatusForbidden, nil)
	if code, body := e.post(ro, malware("x", stix.TLPClear)); code != http.StatusForbidden {
		t.Errorf("read-only POST: status %d, want 403: %s", code, body)
	}
	if code, body := e.post(revoked, malware("x", stix.TLPClear)); code != http.StatusUnauthorized {
		t.Errorf("revoked POST: status %d, want 401: %s", code, body)
	}
	st := e.mustPost(wo, malware("x", stix.TLPClear))
	// Another token cannot read the status.
	e.get(e.url("status/"+st.ID+"/"), ro, http.StatusNotFound, nil)

	// HTTP Basic with the secret as password.
	req, _ := http.NewRequest(http.MethodGet, objects, nil)
	req.SetBasicAuth("anyone", ro)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("basic auth: status %d, want 200", resp.StatusCode)
	}
	req.SetBasicAuth("anyone", "wrong")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("bad basic auth: status %d, want 401 with WWW-Authenticate", resp.StatusCode)
	}
}

func testTLP(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	levels := []stix.TLP{stix.TLPClear, stix.TLPGreen, stix.TLPAmber, stix.TLPRed}
	objs := map[stix.TLP]*stix.Object{}
	var all []*stix.Object
	for _, l := range levels {
		objs[l] = malware("m-"+l.String(), l)
		all = append(all, objs[l])
	}
	// A clear relationship between a clear and a red object, and a green
	// report that refers to objects at every level.
	rel := relationship(objs[stix.TLPClear].ID, objs[stix.TLPRed].ID, stix.TLPClear)
	rep := &stix.Object{Type: "report", SpecVersion: "2.1", ID: "report--" + uuid.NewString(),
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z", Name: "r",
		Published: "2024-01-01T00:00:00.000Z", ObjectMarkingRefs: []string{stix.TLPGreen.MarkingID()}}
	for _, l := range levels {
		rep.ObjectRefs = append(rep.ObjectRefs, objs[l].ID)
	}
	onlyRed := &stix.Object{Type: "report", SpecVersion: "2.1", ID: "report--" + uuid.NewString(),
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z", Name: "red refs",
		Published: "2024-01-01T00:00:00.000Z", ObjectRefs: []string{objs[stix.TLPRed].ID},
		ObjectMarkingRefs: []string{stix.TLPClear.MarkingID()}}
	all = append(all, rel, rep, onlyRed)
	e.mustPost(e.rw, all...)

	for _, max := range levels {
		t.Run(max.String(), func(t *testing.T) {
			tok := e.token(aptgraph.TokenSpec{Name: max.String(), Collections: []string{e.coll.ID}, Read: true, MaxTLP: max})
			var env taxii.Envelope
			e.get(e.url(e.objectsPath()), tok, http.StatusOK, &env)
			got := map[string]stix.Object{}
			for _, raw := range env.Objects {
				var o stix.Object
				json.Unmarshal(raw, &o)
				got[o.ID] = o
			}
			for _, l := range levels {
				if _, ok := got[objs[l].ID]; ok != (l <= max) {
					t.Errorf("object at %s seen: %v, want %v", l, ok, l <= max)
				}
			}
			redVisible := max >= stix.TLPRed
			if _, ok := got[rel.ID]; ok != redVisible {
				t.Errorf("relationship to a red object seen: %v, want %v", ok, redVisible)
			}
			if _, ok := got[onlyRed.ID]; ok != redVisible {
				t.Errorf("report of only red refs seen: %v, want %v", ok, redVisible)
			}
			r, ok := got[rep.ID]
			if ok != (max >= stix.TLPGreen) {
				t.Fatalf("green report seen: %v, want %v", ok, max >= stix.TLPGreen)
			}
			if ok {
				for _, l := range levels {
					if has := strings.Contains(strings.Join(r.ObjectRefs, " "), objs[l].ID); has != (l <= max) {
						t.Errorf("report refs object at %s: %v, want %v", l, has, l <= max)
					}
				}
			}
			// Hidden ids do not leak through the object, versions or manifest endpoints.
			red := objs[stix.TLPRed].ID
			if !redVisible {
				e.get(e.url(e.objectsPath()+red+"/"), tok, http.StatusNotFound, nil)
				e.get(e.url(e.objectsPath()+red+"/versions/"), tok, http.StatusNotFound, nil)
				_, _, b := e.do(http.MethodGet, e.url("collections/"+e.coll.ID+"/manifest/"), tok, nil)
				if bytes.Contains(b, []byte(red)) {
					t.Errorf("manifest names the hidden %s", red)
				}
				_, _, b = e.do(http.MethodGet, e.url(e.objectsPath()), tok, nil)
				if bytes.Contains(b, []byte(red)) {
					t.Errorf("objects name the hidden %s", red)
				}
			}
		})
	}

	// A token cannot post above its own TLP.
	green := e.token(aptgraph.TokenSpec{Name: "gw", Collections: []string{e.coll.ID}, Write: true, MaxTLP: stix.TLPGreen})
	if code, body := e.post(green, malware("too secret", stix.TLPAmber)); code != http.StatusForbidden {
		t.Errorf("post above TLP: status %d, want 403: %s", code, body)
	}
}

func testBadInput(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{MaxBodyBytes: 4096})
	objects := e.url(e.objectsPath())
	count := func() int {
		var env taxii.Envelope
		e.get(objects, e.rw, http.StatusOK, &env)
		return len(env.Objects)
	}
	big := malware(strings.Repeat("x", 5000), stix.TLPClear)
	bigBody, _ := json.Marshal(map[string]any{"objects": []*stix.Object{big}})
	valid, _ := json.Marshal(map[string]any{"objects": []*stix.Object{malware("ok", stix.TLPClear)}})
	tests := []struct {
		name   string
		method string
		url    string
		body   []byte
		hdr    []string
		want   int
	}{
		{"malformed JSON", http.MethodPost, objects, []byte(`{"objects": [`), nil, http.StatusBadRequest},
		{"not an envelope", http.MethodPost, objects, []byte(`[1,2]`), nil, http.StatusBadRequest},
		{"empty envelope", http.MethodPost, objects, []byte(`{"objects": []}`), nil, http.StatusBadRequest},
		{"invalid object", http.MethodPost, objects,
			[]byte(`{"objects": [{"type":"malware","id":"malware--` + uuid.NewString() + `","name":"fine"},{"type":"malware","id":"indicator--x"}]}`),
			nil, http.StatusBadRequest},
		{"bad timestamp", http.MethodPost, objects,
			[]byte(`{"objects": [{"type":"malware","id":"malware--` + uuid.NewString() + `","modified":"yesterday"}]}`),
			nil, http.StatusBadRequest},
		{"oversize", http.MethodPost, objects, bigBody, nil, http.StatusRequestEntityTooLarge},
		{"wrong content type", http.MethodPost, objects, valid, []string{"Content-Type", "application/json"}, http.StatusUnsupportedMediaType},
		{"wrong version", http.MethodPost, objects, valid, []string{"Content-Type", "application/taxii+json;version=2.0"}, http.StatusUnsupportedMediaType},
		{"not acceptable", http.MethodGet, objects, nil, []string{"Accept", "application/json"}, http.StatusNotAcceptable},
		{"bad next", http.MethodGet, objects + "?next=garbage", nil, nil, http.StatusBadRequest},
		{"forged next", http.MethodGet, objects + "?next=eyJ2IjoyLCJzIjo1fQ", nil, nil, http.StatusBadRequest},
		{"bad limit", http.MethodGet, objects + "?limit=-1", nil, nil, http.StatusBadRequest},
		{"bad added_after", http.MethodGet, objects + "?added_after=monday", nil, nil, http.StatusBadRequest},
		{"bad version", http.MethodGet, objects + "?match[version]=newest", nil, nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, b := e.do(tt.method, tt.url, e.rw, tt.body, tt.hdr...)
			if code != tt.want {
				t.Fatalf("status %d, want %d: %s", code, tt.want, b)
			}
			var msg taxii.ErrorMessage
			if err := json.Unmarshal(b, &msg); err != nil || msg.Title == "" || msg.HTTPStatus != fmt.Sprint(tt.want) {
				t.Errorf("error message %s (%v), want a TAXII error with http_status %d", b, err, tt.want)
			}
		})
	}
	if n := count(); n != 0 {
		t.Errorf("after bad posts the collection holds %d objects, want 0", n)
	}
	// Accept lists that admit TAXII are fine.
	for _, accept := range []string{"application/taxii+json", "application/json, */*;q=0.1", "application/taxii+json;version=2.1"} {
		if code, _, _ := e.do(http.MethodGet, objects, e.rw, nil, "Accept", accept); code != http.StatusOK {
			t.Errorf("Accept %q: status %d, want 200", accept, code)
		}
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	s := taxii.NewServer(nil, taxii.ServerOptions{}).HTTPServer("127.0.0.1:0")
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 {
		t.Errorf("timeouts not all set: %+v", s)
	}
	if s.Handler == nil || s.Addr != "127.0.0.1:0" {
		t.Errorf("server = %+v", s)
	}
}

// testChunkedOversize sends a body of unknown length over the limit.
func testChunkedOversize(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{MaxBodyBytes: 1024})
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"objects":[{"type":"malware","name":"`))
		pw.Write(bytes.Repeat([]byte("x"), 4096))
		pw.Write([]byte(`"}]}`))
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, e.url(e.objectsPath()), pr)
	req.Header.Set("Content-Type", taxii.MediaType)
	req.Header.Set("Authorization", "Bearer "+e.rw)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg taxii.ErrorMessage
	json.NewDecoder(resp.Body).Decode(&msg)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || msg.HTTPStatus != "413" {
		t.Errorf("status %d (%+v), want 413", resp.StatusCode, msg)
	}
}
