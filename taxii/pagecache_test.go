package taxii_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
)

func TestPageCache(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, eng engine)
	}{
		{"CachedPageEqualsUncachedByteForByte", testCacheSameBytes},
		{"PostInvalidates", testCachePostInvalidates},
		{"OtherWriterSeenWithinInterval", func(t *testing.T, eng engine) {
			const interval = 100 * time.Millisecond
			testCacheOtherWriter(t, eng, interval, interval+50*time.Millisecond)
		}},
		{"OtherWriterSeenByWriteFeed", func(t *testing.T, eng engine) {
			// An interval far longer than the test: only the store's
			// write feed can tell the server of the other writer.
			testCacheOtherWriter(t, eng, time.Hour, 2*time.Second)
		}},
		{"ClearancesNeverShareEntries", testCacheClearances},
		{"SizeBound", testCacheSizeBound},
		{"ETag304", testCacheETag},
	}
	forEachEngine(t, func(t *testing.T, eng engine) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { tt.fn(t, eng) })
		}
	})
}

// fill posts n malware objects of tlp and a relationship from each
// even one to the next, in one POST.
func fill(e *env, n int, tlp stix.TLP) []*stix.Object {
	var objs []*stix.Object
	for i := range n {
		m := malware(fmt.Sprint("m", i), tlp)
		objs = append(objs, m)
		if i > 0 && i%2 == 0 {
			objs = append(objs, relationship(objs[len(objs)-2].ID, m.ID, stix.TLPClear))
		}
	}
	e.mustPost(e.rw, objs...)
	return objs
}

// with returns a copy of e served by srv instead.
func (e *env) with(srv *taxii.Server) *env {
	ts := httptest.NewServer(srv)
	e.t.Cleanup(ts.Close)
	c := *e
	c.srv, c.server = ts, srv
	return &c
}

// pagePaths are the query strings the cache tests read.
var pagePaths = []string{"?limit=3", "?limit=3&added_after=2000-01-01T00:00:00Z", "?match[type]=malware&limit=2",
	"?match[type]=relationship", "?match[version]=all&match[type]=malware,relationship", ""}

func (e *env) resource(kind, query string) string {
	return e.url("collections/" + e.coll.ID + "/" + kind + "/" + query)
}

// snapshot GETs every page path of objects and manifest with token and
// returns status, chosen headers and body of each.
func (e *env) snapshot(token string) []string {
	e.t.Helper()
	var out []string
	for _, kind := range []string{"objects", "manifest"} {
		for _, q := range pagePaths {
			code, h, b := e.do(http.MethodGet, e.resource(kind, q), token, nil)
			out = append(out, fmt.Sprintf("%s%s %d first=%q last=%q type=%q\n%s", kind, q, code,
				h.Get("X-TAXII-Date-Added-First"), h.Get("X-TAXII-Date-Added-Last"), h.Get("Content-Type"), b))
		}
	}
	return out
}

func testCacheSameBytes(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	fill(e, 9, stix.TLPGreen)
	// An uncached server over the same store answers the reference.
	plain := e.with(taxii.NewServer(e.store, taxii.ServerOptions{CacheBytes: -1}))
	amber := e.token(aptgraph.TokenSpec{Name: "amber", Collections: []string{e.coll.ID}, Read: true, MaxTLP: stix.TLPAmber})
	for _, tok := range []string{e.rw, amber} {
		ref := plain.snapshot(tok)
		first := e.snapshot(tok)  // misses
		second := e.snapshot(tok) // hits
		for i := range ref {
			if first[i] != ref[i] || second[i] != ref[i] {
				t.Errorf("page %d differs:\nuncached %s\nfirst    %s\nsecond   %s", i, ref[i], first[i], second[i])
			}
		}
	}
	if n, _ := e.server.CacheStats(); n == 0 {
		t.Error("nothing was cached")
	}
}

func testCachePostInvalidates(t *testing.T, eng engine) {
	// An hour between marker reads: only the POST can make the next GET see the new object.
	e := newEnv(t, eng, taxii.ServerOptions{CacheCheckInterval: time.Hour})
	fill(e, 3, stix.TLPGreen)
	before := e.snapshot(e.rw)
	m := malware("new", stix.TLPGreen)
	e.mustPost(e.rw, m)
	for _, kind := range []string{"objects", "manifest"} {
		_, _, b := e.do(http.MethodGet, e.resource(kind, ""), e.rw, nil)
		if !bytes.Contains(b, []byte(m.ID)) {
			t.Errorf("GET %s after POST does not hold the new object: %s", kind, b)
		}
	}
	after := e.snapshot(e.rw)
	if slices.Equal(before, after) {
		t.Error("no page changed after the POST")
	}
}

// testCacheOtherWriter checks that writes of another process, a new
// object and a TLP raised in another collection, are served within bound
// by a server that checks its markers every interval.
func testCacheOtherWriter(t *testing.T, eng engine, interval, bound time.Duration) {
	st := eng.open(t)
	wf, feed := st.(aptgraph.WriteFeed)
	if interval > bound && !feed {
		t.Skipf("%s has no write feed", eng.name)
	}
	e := newEnvOn(t, st, taxii.ServerOptions{CacheCheckInterval: interval})
	if feed {
		waitLive(t, wf)
	}
	fill(e, 3, stix.TLPGreen)
	e.snapshot(e.rw)
	other := reopen(t, st) // another process
	m := malware("other", stix.TLPGreen)
	if _, err := other.Write(context.Background(), &aptgraph.Batch{Objects: []*stix.Object{m}, Collection: e.coll.ID}); err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	for {
		_, _, b := e.do(http.MethodGet, e.resource("objects", ""), e.rw, nil)
		if bytes.Contains(b, []byte(m.ID)) {
			break
		}
		if time.Since(written) > bound {
			t.Fatalf("the other writer's object is not served %v after the write", time.Since(written))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A TLP raised by another writer in another collection hides a
	// relationship within the bound too: the marker is store-wide.
	elsewhere := &aptgraph.Collection{Title: "elsewhere"}
	if err := other.CreateCollection(context.Background(), elsewhere); err != nil {
		t.Fatal(err)
	}
	amber := e.token(aptgraph.TokenSpec{Name: "amber", Collections: []string{e.coll.ID}, Read: true, MaxTLP: stix.TLPAmber})
	src, dst := malware("src", stix.TLPGreen), malware("dst", stix.TLPGreen)
	rel := relationship(src.ID, dst.ID, stix.TLPGreen)
	e.mustPost(e.rw, src, dst, rel)
	_, _, b := e.do(http.MethodGet, e.resource("objects", ""), amber, nil)
	if !bytes.Contains(b, []byte(rel.ID)) {
		t.Fatalf("relationship missing before the re-marking: %s", b)
	}
	red := *dst
	red.Modified = "2025-01-01T00:00:00.000Z"
	red.ObjectMarkingRefs = []string{stix.TLPRed.MarkingID()}
	if _, err := other.Write(context.Background(), &aptgraph.Batch{Objects: []*stix.Object{&red}, Collection: elsewhere.ID}); err != nil {
		t.Fatal(err)
	}
	written = time.Now()
	for {
		_, _, b := e.do(http.MethodGet, e.resource("objects", ""), amber, nil)
		if !bytes.Contains(b, []byte(rel.ID)) {
			break
		}
		if time.Since(written) > bound {
			t.Fatalf("a relationship to an object re-marked red elsewhere is served %v after the write", time.Since(written))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func testCacheClearances(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{CacheCheckInterval: time.Hour})
	var objs []*stix.Object
	for _, tlp := range []stix.TLP{stix.TLPClear, stix.TLPGreen, stix.TLPAmber, stix.TLPRed} {
		m := malware("m-"+tlp.String(), tlp)
		objs = append(objs, m, relationship(objs0(objs), m.ID, stix.TLPClear))
	}
	e.mustPost(e.rw, objs...)
	tokens := map[stix.TLP]string{}
	for _, tlp := range []stix.TLP{stix.TLPClear, stix.TLPGreen, stix.TLPAmber, stix.TLPRed} {
		tokens[tlp] = e.token(aptgraph.TokenSpec{Name: tlp.String(), Collections: []string{e.coll.ID}, Read: true, MaxTLP: tlp})
	}
	plain := e.with(taxii.NewServer(e.store, taxii.ServerOptions{CacheBytes: -1}))
	// Each clearance reads every page twice, interleaved with the others,
	// and must get what an uncached server gives it.
	for round := range 2 {
		for _, tlp := range []stix.TLP{stix.TLPRed, stix.TLPClear, stix.TLPAmber, stix.TLPGreen} {
			want, got := plain.snapshot(tokens[tlp]), e.snapshot(tokens[tlp])
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("round %d, %s: page %d:\nwant %s\ngot  %s", round, tlp, i, want[i], got[i])
				}
			}
			for _, o := range objs {
				if stix.ObjectTLP(o.ObjectMarkingRefs, stix.TLPClear) > tlp && strings.Contains(strings.Join(got, ""), o.ID) {
					t.Errorf("%s token got %s", tlp, o.ID)
				}
			}
		}
	}
}

// objs0 returns the id of the first object of objs, or of a fresh one.
func objs0(objs []*stix.Object) string {
	if len(objs) == 0 {
		return malware("x", stix.TLPClear).ID
	}
	return objs[0].ID
}

func testCacheSizeBound(t *testing.T, eng engine) {
	const bound = 64 << 10
	e := newEnv(t, eng, taxii.ServerOptions{CacheBytes: bound, CacheCheckInterval: time.Hour})
	fill(e, 200, stix.TLPGreen)
	for i := range 300 {
		e.do(http.MethodGet, e.resource("objects", fmt.Sprintf("?limit=%d", 1+i%40)), e.rw, nil)
		if _, b := e.server.CacheStats(); b > bound {
			t.Fatalf("cache holds %d bytes, bound %d", b, bound)
		}
	}
	n, b := e.server.CacheStats()
	if n == 0 || b == 0 {
		t.Fatalf("cache empty: %d entries, %d bytes", n, b)
	}
	t.Logf("%d entries, %d bytes", n, b)
}

func testCacheETag(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{CacheCheckInterval: time.Hour})
	fill(e, 3, stix.TLPGreen)
	code, h, _ := e.do(http.MethodGet, e.resource("objects", ""), e.rw, nil)
	tag := h.Get("ETag")
	if code != http.StatusOK || !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("status %d, ETag %q", code, tag)
	}
	req, _ := http.NewRequest(http.MethodGet, e.resource("objects", ""), nil)
	req.Header.Set("Authorization", "Bearer "+e.rw)
	req.Header.Set("If-None-Match", tag)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != tag {
		t.Fatalf("If-None-Match: status %d, ETag %q, want 304", resp.StatusCode, resp.Header.Get("ETag"))
	}
	amber := e.token(aptgraph.TokenSpec{Name: "amber", Collections: []string{e.coll.ID}, Read: true, MaxTLP: stix.TLPAmber})
	if code, _, _ := e.do(http.MethodGet, e.resource("objects", ""), amber, nil, "If-None-Match", tag); code != http.StatusOK {
		t.Errorf("another clearance's ETag: status %d, want 200", code)
	}
	e.mustPost(e.rw, malware("new", stix.TLPGreen))
	if code, h, _ := e.do(http.MethodGet, e.resource("objects", ""), e.rw, nil, "If-None-Match", tag); code != http.StatusOK || h.Get("ETag") == tag {
		t.Errorf("after a POST: status %d, ETag %q (was %q), want 200 and a new tag", code, h.Get("ETag"), tag)
	}
}

// waitLive waits until the store's write feed is live.
func waitLive(t *testing.T, wf aptgraph.WriteFeed) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		if _, live := wf.WriteCount(); live {
			return
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the write feed is not live after 5 s")
		}
	}
}
