package taxii

import (
	"context"
	"sync"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// tlpCache remembers, per object id, the most restrictive TLP of all its
// stored versions, which decides whether a reference to it may be shown.
// Without it every page re-read each object its relationships point at,
// every version of it, a third of a page's cost.
//
// It stays exact without trusting time: versions are never deleted, so an
// id's TLP can only rise, and before each use the cache reads the versions
// written since it last looked (the store's write order, Seq, is a change
// feed), raising the ids it holds. Writes by other processes are seen too.
type tlpCache struct {
	mu      sync.Mutex
	tlp     map[string]stix.TLP
	lastSeq int64 // every version up to this Seq is accounted for
	started bool
	// feed is the store's write count (aptgraph.WriteFeed) read before the
	// last catch-up: while the feed is live and the count has not moved,
	// nothing was written since, and the catch-up's query is skipped.
	feed   uint64
	feedOK bool
}

// maxCached bounds the ids remembered; past it the cache starts over.
const maxCached = 1 << 20

// feedChunk is how many new versions catch-up reads a query.
const feedChunk = 5000

// catchUp raises the cached ids that got new versions since the last look.
// On first use it finds the newest Seq instead, so that it never reads the
// whole store.
func (c *tlpCache) catchUp(ctx context.Context, st aptgraph.Store) error {
	wf, ok := st.(aptgraph.WriteFeed)
	if !ok {
		return c.readFeed(ctx, st)
	}
	// The count is read before the catch-up, so that a write committed
	// during it moves the count past this one.
	n, live := wf.WriteCount()
	if live && c.feedOK && n == c.feed {
		return nil
	}
	c.feedOK = false
	if err := c.readFeed(ctx, st); err != nil {
		return err
	}
	c.feed, c.feedOK = n, live
	return nil
}

// readFeed reads the versions written since the last look (see catchUp).
func (c *tlpCache) readFeed(ctx context.Context, st aptgraph.Store) error {
	if !c.started {
		seq, err := newestSeq(ctx, st)
		if err != nil {
			return err
		}
		c.tlp, c.lastSeq, c.started = map[string]stix.TLP{}, seq, true
		return nil
	}
	for {
		objs, err := st.Objects(ctx, aptgraph.ObjectFilter{AfterSeq: c.lastSeq, AllVersions: true, Limit: feedChunk, KeysOnly: true})
		if err != nil {
			return err
		}
		for _, so := range objs {
			if t, ok := c.tlp[so.ID]; ok && so.TLP > t {
				c.tlp[so.ID] = so.TLP
			}
			c.lastSeq = max(c.lastSeq, so.Seq)
		}
		if len(objs) < feedChunk {
			return nil
		}
	}
}

// newestSeq returns the Seq of the newest version stored, found by
// exponential then binary search over AfterSeq, each probe one indexed
// read of at most one row.
func newestSeq(ctx context.Context, st aptgraph.Store) (int64, error) {
	exists := func(after int64) (bool, error) {
		objs, err := st.Objects(ctx, aptgraph.ObjectFilter{AfterSeq: after, AllVersions: true, Limit: 1, KeysOnly: true})
		return len(objs) > 0, err
	}
	lo, hi := int64(0), int64(1) // a version exists after lo; none after hi, once found
	for {
		ok, err := exists(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	if ok, err := exists(0); err != nil || !ok {
		return 0, err
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := exists(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// levels returns the TLP of each of ids: the most restrictive of its
// versions. Ids the store does not hold are left out.
//
// The lock is held for the catch-up and the map, not for the read of the
// ids the cache lacks, so that concurrent pages do not queue behind each
// other's reads. What that read finds is cached only when no catch-up ran
// meanwhile: a catch-up could have passed over a version written after the
// read, which the cache would then never see.
func (c *tlpCache) levels(ctx context.Context, st aptgraph.Store, ids []string) (map[string]stix.TLP, error) {
	out := make(map[string]stix.TLP, len(ids))
	var missing []string
	c.mu.Lock()
	if err := c.catchUp(ctx, st); err != nil {
		c.mu.Unlock()
		return nil, err
	}
	for _, id := range ids {
		if t, ok := c.tlp[id]; ok {
			out[id] = t
		} else {
			missing = append(missing, id)
		}
	}
	seen := c.lastSeq
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found := make(map[string]stix.TLP, len(missing))
	for rest := missing; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		// Every version counts: an id is hidden when any version of it is
		// above the token's TLP, so that no version's refs can reveal it.
		// Versions written after catchUp are seen here or by the next one.
		stored, err := st.Objects(ctx, aptgraph.ObjectFilter{IDs: chunk, AllVersions: true, KeysOnly: true})
		if err != nil {
			return nil, err
		}
		for _, so := range stored {
			if t, ok := found[so.ID]; !ok || so.TLP > t {
				found[so.ID] = so.TLP
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.lastSeq == seen
	if keep && len(c.tlp)+len(found) > maxCached {
		c.tlp = map[string]stix.TLP{}
	}
	for id, t := range found {
		out[id] = t
		if keep {
			c.tlp[id] = t
		}
	}
	return out, nil
}
