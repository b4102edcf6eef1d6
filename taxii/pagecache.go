package taxii

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// pageCache keeps whole responses of GET objects and GET manifest: the
// body bytes and the headers that go with them, so that a page asked for
// again is written without reading the store.
//
// An entry is keyed by the resource, the collection id, the token's
// clearance (MaxTLP) and the query parameters that select the page, and
// it remembers the store's write marker read before its page was: the
// newest version Seq of the whole store (a reference's TLP may come from
// any collection) and the newest addition Seq of the collection. It is
// served only while the marker is unchanged. The marker is read on every
// request by default (interval zero: two indexed reads of at most one row
// each), else at most every interval, and at once after a POST handled by
// this server. Seqs only rise (writes take the store's write lock and give
// them out in commit order), and versions and additions are never
// deleted, so a page differs from its cached copy only after one of them
// rose: a cached page is never served after a write of this server, nor
// after a write of another process (a TLP re-marking included) by default;
// with an interval, at most that long after it.
//
// A store that implements aptgraph.WriteFeed (PostgreSQL) spares those
// reads: while its feed is live, the marker is read again only once the
// feed's count has moved, so a cached page costs no query at all, and a
// write of another process is seen as soon as its notice arrives
// (milliseconds), whatever the interval.
//
// Entries of different clearances never meet: MaxTLP is in the key, and
// the token and its right to read the collection are checked before the
// cache is consulted. The size is bounded by bytes, least recently used
// out first; an entry over an eighth of the bound is not kept.
type pageCache struct {
	maxBytes int64
	interval time.Duration // 0: read the marker on every request

	forced atomic.Uint64 // bumped by writes of this server: re-read the markers

	mu    sync.Mutex
	lru   *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
	bytes int64

	// flights are the pages being read, by key: a request that misses
	// while another reads the same page at the same marker waits for it
	// rather than reading the page again (the load test's connections ask
	// for the same page at once, as followers of one feed do).
	flights map[string]*flight

	vmu   sync.Mutex
	vseq  markerState             // newest version Seq, store-wide
	colls map[string]*markerState // newest addition Seq, by collection id
}

// markerState is a Seq as last read, when, and the forced and feed
// counts then.
type markerState struct {
	mu     sync.Mutex
	seq    int64
	read   bool
	at     time.Time
	forced uint64
	feed   uint64
}

// feedState is what a store that implements aptgraph.WriteFeed says at the
// start of a request.
type feedState struct {
	n    uint64
	live bool
}

// marker identifies the state of the store a page was read from.
type marker struct{ vseq, mseq int64 }

type cacheEntry struct {
	key   string
	mark  marker
	body  []byte
	first string // X-TAXII-Date-Added-First, or ""
	last  string // X-TAXII-Date-Added-Last, or ""
	etag  string
	size  int64
}

// entryOverhead is counted for each entry besides its key and body.
const entryOverhead = 256

func newPageCache(maxBytes int64, interval time.Duration) *pageCache {
	return &pageCache{maxBytes: maxBytes, interval: interval, lru: list.New(),
		byKey: map[string]*list.Element{}, colls: map[string]*markerState{}, flights: map[string]*flight{}}
}

// pageKey returns the cache key of a page: kind (objects or manifest), the
// collection id, the clearance and every query parameter that selects
// the page, by name, as sent (spellings that mean the same page are
// different keys, which costs only a miss).
func pageKey(kind, coll string, maxTLP stix.TLP, q url.Values) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte(0)
	b.WriteString(coll)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(int(maxTLP)))
	for _, name := range [...]string{"added_after", "next", "limit", "match[id]", "match[type]", "match[spec_version]", "match[version]"} {
		b.WriteByte(0)
		b.WriteString(name)
		for _, v := range q[name] {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return b.String()
}

// etag returns the weak entity tag of the page of key at marker m.
func etag(key string, m marker) string {
	h := sha256.New()
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, m.vseq, 10))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, m.mseq, 10))
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// invalidate makes the next request read the markers again: a write of
// this server has changed, or may have changed, the store.
func (c *pageCache) invalidate() { c.forced.Add(1) }

// marker returns the write marker of collection coll, read from the store
// when the one known is older than the interval or a write of this server
// came after it.
func (c *pageCache) marker(ctx context.Context, st aptgraph.Store, coll string) (marker, error) {
	c.vmu.Lock()
	ms := c.colls[coll]
	if ms == nil {
		if len(c.colls) >= 4096 {
			c.colls = map[string]*markerState{}
		}
		ms = &markerState{}
		c.colls[coll] = ms
	}
	c.vmu.Unlock()
	var feed feedState
	if wf, ok := st.(aptgraph.WriteFeed); ok {
		feed.n, feed.live = wf.WriteCount()
	}
	v, err := c.refresh(ctx, &c.vseq, feed, func(after int64) (int64, bool, error) {
		return firstAfter(ctx, st, aptgraph.ObjectFilter{AfterSeq: after})
	})
	if err != nil {
		return marker{}, err
	}
	m, err := c.refresh(ctx, ms, feed, func(after int64) (int64, bool, error) {
		return firstAfter(ctx, st, aptgraph.ObjectFilter{Collection: coll, AfterSeq: after})
	})
	if err != nil {
		return marker{}, err
	}
	return marker{v, m}, nil
}

// refresh returns the Seq of ms, reading the newest one from the store
// when it is due: when a write of this server or, by the store's live
// write feed, of any process came after the last read, or, without a live
// feed, when the interval has passed (at once with interval zero). The
// lock is held over the read, so that concurrent requests wait for one
// read rather than each making their own.
func (c *pageCache) refresh(ctx context.Context, ms *markerState, feed feedState, first func(after int64) (int64, bool, error)) (int64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	forced := c.forced.Load()
	now := time.Now()
	if ms.read && ms.forced == forced && ms.feed == feed.n &&
		(feed.live || c.interval > 0 && now.Sub(ms.at) < c.interval) {
		return ms.seq, nil
	}
	seq, err := newestFrom(ms.seq, first)
	if err != nil {
		return 0, err
	}
	ms.seq, ms.read, ms.at, ms.forced, ms.feed = seq, true, now, forced, feed.n
	return seq, nil
}

// firstAfter returns the Seq of the first version (or, with a collection,
// addition) after f.AfterSeq: one indexed read of at most one row.
func firstAfter(ctx context.Context, st aptgraph.Store, f aptgraph.ObjectFilter) (int64, bool, error) {
	f.AllVersions, f.Limit, f.KeysOnly = true, 1, true
	objs, err := st.Objects(ctx, f)
	if err != nil || len(objs) == 0 {
		return 0, false, err
	}
	return objs[0].Seq, true, nil
}

// newestFrom returns the newest Seq, known to be at least from: one probe
// when nothing was written since, else a galloping then binary search,
// each probe one read of at most one row.
func newestFrom(from int64, first func(after int64) (int64, bool, error)) (int64, error) {
	lo, ok, err := first(from) // lo exists
	if err != nil || !ok {
		return from, err
	}
	hi := int64(-1) // nothing after hi, once known
	for step := int64(1); hi < 0; step *= 2 {
		s, ok, err := first(lo + step)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = s
		} else {
			hi = lo + step
		}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		s, ok, err := first(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = s
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// get returns the entry of key if it was read at marker m.
func (c *pageCache) get(key string, m marker) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if e.mark != m {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

// flight is one read of a page; e is set, or left nil on failure, before
// done is closed.
type flight struct {
	mark marker
	done chan struct{}
	e    *cacheEntry
}

// join returns the entry of key at marker m, when it is cached or another
// request is reading it (waiting for that read, or for ctx). Otherwise it
// returns nil and a function that the caller, which must then read the
// page, calls with its entry (nil on failure) once read.
func (c *pageCache) join(ctx context.Context, key string, m marker) (*cacheEntry, func(*cacheEntry)) {
	if e := c.get(key, m); e != nil {
		return e, nil
	}
	c.mu.Lock()
	f, ok := c.flights[key]
	if ok && f.mark == m {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.e != nil {
				return f.e, nil
			}
		case <-ctx.Done():
		}
		return nil, func(*cacheEntry) {} // read alone, without a flight
	}
	f = &flight{mark: m, done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()
	return nil, func(e *cacheEntry) {
		if e != nil {
			c.put(e)
		}
		c.mu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
		c.mu.Unlock()
		f.e = e
		close(f.done)
	}
}

// put keeps e, evicting the least recently used entries past the bound.
// An entry over an eighth of the bound is not kept.
func (c *pageCache) put(e *cacheEntry) {
	e.size = int64(len(e.key)+len(e.body)+len(e.first)+len(e.last)+len(e.etag)) + entryOverhead
	if e.size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[e.key]; ok {
		old := el.Value.(*cacheEntry)
		if old.mark.vseq > e.mark.vseq || old.mark.mseq > e.mark.mseq {
			return // a newer page is kept already
		}
		c.remove(el)
	}
	c.byKey[e.key] = c.lru.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.byKey, e.key)
	c.bytes -= e.size
}

// stats returns the entries and bytes held.
func (c *pageCache) stats() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}
