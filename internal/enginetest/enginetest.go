// Package enginetest holds the tests and benchmarks that the sqlite and
// postgres engines run alike but that need a hook only a test inside the
// engine's package can reach, such as its clock or a failure injected into
// a write; storetest runs what needs no hooks.
package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/storetest"
)

// DateAddedMonotonic turns the clock of s back between two writes:
// date_added must still rise. setClock makes s read the time from now.
func DateAddedMonotonic(t *testing.T, s aptgraph.Store, setClock func(now func() time.Time)) {
	ctx := t.Context()
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	setClock(func() time.Time { return clock })
	if _, err := s.Write(ctx, storetest.Bulk(3, "a")); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(-24 * time.Hour)
	if _, err := s.Write(ctx, storetest.Bulk(3, "b")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Objects(ctx, aptgraph.ObjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("%d objects, want 6", len(got))
	}
	for i := 1; i < len(got); i++ {
		if !got[i].DateAdded.After(got[i-1].DateAdded) {
			t.Errorf("date_added %d = %v, not after %v", i, got[i].DateAdded, got[i-1].DateAdded)
		}
	}
	if want := time.Date(2030, 1, 1, 0, 0, 0, 5000, time.UTC); !got[5].DateAdded.Equal(want) {
		t.Errorf("last date_added = %v, want %v (1µs steps after the clock went back)", got[5].DateAdded, want)
	}
}

// RolledBack checks that nothing of b, a batch whose write failed, is in s:
// versions is how many versions s held before, and b.Collection is a
// collection that was empty.
func RolledBack(t *testing.T, s aptgraph.Store, versions int, b *aptgraph.Batch) {
	t.Helper()
	ctx := t.Context()
	after, _ := s.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})
	if len(after) != versions {
		t.Errorf("%d versions after the failed write, want %d", len(after), versions)
	}
	if in, _ := s.Objects(ctx, aptgraph.ObjectFilter{Collection: b.Collection, AllVersions: true}); len(in) != 0 {
		t.Errorf("%d versions in the collection after the failed write, want 0", len(in))
	}
	if _, err := s.ReportText(ctx, b.Report.ID); aptgraph.ErrorCode(err) != aptgraph.ENOTFOUND {
		t.Errorf("text of the failed report: %v, want ENOTFOUND", err)
	}
	for _, q := range []string{`"Codename 2"`, `"Dropper-2"`} {
		if hits, _ := s.Search(ctx, q, 5); len(hits) != 0 {
			t.Errorf("search for %q found %d hits from the failed write", q, len(hits))
		}
	}
}

// WriteReport writes one typical report per iteration (about 70 objects
// and relationships with evidence) into a store that already holds 100
// reports about the same group, so that most writes merge into objects
// that earlier reports named. The cost of a report grows slowly with the
// evidence those objects gather.
func WriteReport(b *testing.B, s aptgraph.Store) {
	const earlier = 100
	ctx := context.Background()
	for i := range earlier {
		if _, err := s.Write(ctx, storetest.Report(i)); err != nil {
			b.Fatal(err)
		}
	}
	batches := make([]*aptgraph.Batch, b.N)
	objs := 0
	for i := range batches {
		batches[i] = storetest.Report(earlier + i)
		objs += len(batches[i].Objects)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Write(ctx, batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(objs)/b.Elapsed().Seconds(), "objects/s")
}

// WriteBulk writes 25,000 new objects in one batch without Merge, as an
// ATT&CK import does, into a new store from open each iteration.
func WriteBulk(b *testing.B, open func(testing.TB) aptgraph.Store) {
	const n = 25000
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := open(b)
		batch := storetest.Bulk(n, "bulk")
		b.StartTimer()
		if _, err := s.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "objects/s")
}
