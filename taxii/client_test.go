package taxii_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
)

func testClientPushPull(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	ctx := context.Background()
	c := taxii.NewClient(e.srv.URL+root, e.rw, e.srv.Client())
	c.ChunkSize = 30
	c.PageSize = 25

	var objs []*stix.Object
	want := map[string]bool{}
	for i := range 100 {
		o := malware(fmt.Sprintf("m%d", i), stix.TLPGreen)
		objs = append(objs, o)
		want[o.ID] = true
	}
	st, err := c.Push(ctx, e.coll.ID, objs)
	if err != nil {
		t.Fatal(err)
	}
	if st.TotalCount != 100 || st.SuccessCount != 100 || len(st.Successes) != 100 || st.ID == "" {
		t.Errorf("push status: total %d, success %d, want 100", st.TotalCount, st.SuccessCount)
	}

	seen := map[string]int{}
	pages := 0
	var last time.Time
	err = c.Pull(ctx, e.coll.ID, time.Time{}, func(raws []json.RawMessage, dateAddedLast time.Time) error {
		pages++
		for _, id := range ids(t, raws) {
			seen[id]++
		}
		if !dateAddedLast.After(last) {
			t.Errorf("dateAddedLast %v does not move past %v", dateAddedLast, last)
		}
		last = dateAddedLast
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 4 || len(seen) != 100 {
		t.Errorf("pulled %d objects in %d pages, want 100 in 4", len(seen), pages)
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Errorf("%s seen %d times", id, n)
		}
	}

	// Resume from a persisted cursor: only what was added since.
	cur, err := c.Resume(ctx, e.coll.ID, taxii.Cursor{}, func([]json.RawMessage, taxii.Cursor) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cur)
	var saved taxii.Cursor
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	extra := malware("late", stix.TLPClear)
	if _, err := c.Push(ctx, e.coll.ID, []*stix.Object{extra}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if _, err := c.Resume(ctx, e.coll.ID, saved, func(raws []json.RawMessage, _ taxii.Cursor) error {
		got = append(got, ids(t, raws)...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != extra.ID {
		t.Errorf("resumed pull got %v, want [%s]", got, extra.ID)
	}

	// A stale next token falls back to added_after.
	stale := taxii.Cursor{Since: saved.Since, Next: "stale", Last: saved.Last}
	got = nil
	if _, err := c.Resume(ctx, e.coll.ID, stale, func(raws []json.RawMessage, _ taxii.Cursor) error {
		got = append(got, ids(t, raws)...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != extra.ID {
		t.Errorf("pull with a stale next got %v, want [%s]", got, extra.ID)
	}

	// Errors carry codes.
	bad := taxii.NewClient(e.srv.URL+root, "wrong", e.srv.Client())
	err = bad.Pull(ctx, e.coll.ID, time.Time{}, func([]json.RawMessage, time.Time) error { return nil })
	if code := aptgraph.ErrorCode(err); code != aptgraph.EUNAUTHORIZED {
		t.Errorf("pull with a wrong token: code %q, want %q (%v)", code, aptgraph.EUNAUTHORIZED, err)
	}
	cs, err := c.Collections(ctx)
	if err != nil || len(cs) != 1 || cs[0].ID != e.coll.ID {
		t.Errorf("collections = %+v, %v", cs, err)
	}
}

// testConcurrentPaging posts from several writers while a client pages: every
// posted object is read exactly once.
func testConcurrentPaging(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	ctx := context.Background()
	const writers, posts, perPost = 3, 10, 10
	posted := make(chan string, writers*posts*perPost)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			c := taxii.NewClient(e.srv.URL+root, e.rw, e.srv.Client())
			for p := range posts {
				var objs []*stix.Object
				for i := range perPost {
					objs = append(objs, malware(fmt.Sprintf("w%d-%d-%d", w, p, i), stix.TLPClear))
				}
				if _, err := c.Push(ctx, e.coll.ID, objs); err != nil {
					t.Error(err)
					return
				}
				for _, o := range objs {
					posted <- o.ID
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	reader := taxii.NewClient(e.srv.URL+root, e.rw, e.srv.Client())
	reader.PageSize = 7
	seen := map[string]int{}
	var cur taxii.Cursor
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true // one last pass after the writers stop
		default:
		}
		var err error
		cur, err = reader.Resume(ctx, e.coll.ID, cur, func(raws []json.RawMessage, _ taxii.Cursor) error {
			for _, id := range ids(t, raws) {
				seen[id]++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close(posted)
	n := 0
	for id := range posted {
		n++
		if seen[id] != 1 {
			t.Errorf("%s read %d times, want 1", id, seen[id])
		}
	}
	if n != writers*posts*perPost || len(seen) != n {
		t.Errorf("posted %d, read %d distinct, want %d", n, len(seen), writers*posts*perPost)
	}
}
