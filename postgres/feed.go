package postgres

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the channel a Write notifies on commit, with the store's
// schema as payload: channels belong to the database, and stores in other
// schemas of it must not wake each other.
const notifyChannel = "aptgraph_writes"

// writeFeed counts the committed writes of every process sharing the store:
// this Store's own as they commit, and the others' as their NOTIFY arrives
// on a connection of its own that LISTENs. It starts on first use, so that
// commands that never ask (extract, ingest) open no extra connection.
type writeFeed struct {
	count atomic.Uint64
	live  atomic.Bool
	pid   atomic.Uint32 // the listening connection's backend, for tests
	quiet time.Duration // feedQuiet, unless a test set it before the start

	start  sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// WriteCount implements aptgraph.WriteFeed. The first call starts the
// listener and answers not live.
func (s *Store) WriteCount() (uint64, bool) {
	f := &s.feed
	f.start.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		f.cancel, f.done = cancel, make(chan struct{})
		go s.listen(ctx)
	})
	// live first: a count read after it is at least the one bumped when
	// the listener went live.
	live := f.live.Load()
	return f.count.Load(), live
}

// wrote records a write of this Store at its commit.
func (f *writeFeed) wrote() { f.count.Add(1) }

// stop ends the listener, if it was started, and waits for it.
func (f *writeFeed) stop() {
	f.start.Do(func() {}) // never start after this
	if f.cancel != nil {
		f.cancel()
		<-f.done
	}
}

// listen keeps a LISTEN connection up until ctx ends, reconnecting after a
// failure with a backoff of up to feedMaxBackoff. The feed is not live
// while the connection is down.
func (s *Store) listen(ctx context.Context) {
	defer close(s.feed.done)
	backoff := feedMinBackoff
	for {
		up := s.listenOnce(ctx)
		s.feed.live.Store(false)
		s.feed.count.Add(1)
		if up {
			backoff = feedMinBackoff
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, feedMaxBackoff)
	}
}

const (
	feedMinBackoff = 50 * time.Millisecond
	feedMaxBackoff = 5 * time.Second
)

// listenOnce connects, listens, and counts the notices of this store's
// schema until the connection fails or ctx ends. It reports whether the
// feed went live.
func (s *Store) listenOnce(ctx context.Context) bool {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false
	}
	defer conn.Close(context.Background())
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return false
	}
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		return false
	}
	s.feed.pid.Store(conn.PgConn().PID())
	// Writes committed before the LISTEN sent no notice this connection
	// hears: the bump makes readers look at the store once more.
	s.feed.count.Add(1)
	s.feed.live.Store(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, cmp.Or(s.feed.quiet, feedQuiet))
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if n.Payload == schema {
				s.feed.count.Add(1)
			}
		case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
			// Quiet for a while: make sure the connection is still there,
			// since a peer that vanished without a word leaves the wait
			// hanging while the feed says live.
			pctx, cancel := context.WithTimeout(ctx, feedPingTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return true
			}
		default:
			return true
		}
	}
}

// A listening connection without a notice for feedQuiet is pinged, and
// given feedPingTimeout to answer: a feed that went deaf unnoticed is
// noticed within their sum.
const (
	feedQuiet       = 10 * time.Second
	feedPingTimeout = 2 * time.Second
)
