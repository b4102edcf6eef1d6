package postgres

import (
	"testing"
	"time"

	"github.com/aptgraph/aptgraph/storetest"
)

// TestWriteFeed checks that a store hears of another process's writes to
// its schema, not of writes to other schemas, and that it stops claiming
// to be live when its listening connection dies, then comes back.
func TestWriteFeed(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	if _, live := s.WriteCount(); live {
		t.Fatal("live before the listener started")
	}
	waitFeed(t, s, "live", func(n uint64, live bool) bool { return live })

	other, err := Open(ctx, s.pool.Config().ConnString()) // another process
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	elsewhere := openTest(t) // another schema of the same database

	n0, _ := s.WriteCount()
	if _, err := elsewhere.Write(ctx, storetest.Report(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Write(ctx, storetest.Report(2)); err != nil {
		t.Fatal(err)
	}
	waitFeed(t, s, "the other process's write", func(n uint64, live bool) bool { return n > n0 })
	time.Sleep(100 * time.Millisecond) // time for a stray notice to arrive
	if n, _ := s.WriteCount(); n != n0+1 {
		t.Errorf("count rose by %d for one write to the schema and one elsewhere, want 1", n-n0)
	}

	// A re-write that changes nothing notifies nobody.
	n1, _ := s.WriteCount()
	if _, err := other.Write(ctx, storetest.Report(2)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n, _ := s.WriteCount(); n != n1 {
		t.Errorf("count rose by %d for a write that changed nothing", n-n1)
	}

	// The listener's connection dies: the count moves when it goes down
	// and again when it is back live, and it hears writes again.
	nk, _ := s.WriteCount()
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, int32(s.feed.pid.Load())); err != nil {
		t.Fatal(err)
	}
	waitFeed(t, s, "down and up again", func(n uint64, live bool) bool { return live && n >= nk+2 })
	n3, _ := s.WriteCount()
	if _, err := other.Write(ctx, storetest.Report(3)); err != nil {
		t.Fatal(err)
	}
	waitFeed(t, s, "a write after the reconnect", func(n uint64, live bool) bool { return n > n3 })
}

// waitFeed waits up to 5 s for s's feed to satisfy ok.
func waitFeed(t *testing.T, s *Store, what string, ok func(n uint64, live bool) bool) {
	t.Helper()
	for start := time.Now(); !ok(s.WriteCount()); time.Sleep(2 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("write feed: %s: not after 5 s", what)
		}
	}
}

// TestWriteFeedQuiet checks that the feed stays live and keeps hearing
// across quiet periods, each ended by a ping of the connection.
func TestWriteFeedQuiet(t *testing.T) {
	s := openTest(t)
	s.feed.quiet = 20 * time.Millisecond
	waitFeed(t, s, "live", func(n uint64, live bool) bool { return live })
	n0, _ := s.WriteCount()
	time.Sleep(200 * time.Millisecond) // several quiet periods and pings
	if n, live := s.WriteCount(); !live || n != n0 {
		t.Fatalf("after quiet periods: live %v, count moved by %d", live, n-n0)
	}
	other, err := Open(t.Context(), s.pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Write(t.Context(), storetest.Report(1)); err != nil {
		t.Fatal(err)
	}
	waitFeed(t, s, "a write after quiet periods", func(n uint64, live bool) bool { return n > n0 })
}
