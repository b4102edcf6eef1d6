// Package reporttest holds helpers for tests that need a store filled from
// report texts: the dossier and query tests of the root package and the
// export tests.
package reporttest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract"
	"github.com/aptgraph/aptgraph/sqlite"
)

// Ingest extracts the report at path, dated published (YYYY-MM-DD), into st,
// as aptgraph ingest does.
func Ingest(t testing.TB, st aptgraph.Store, path, published string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := time.Parse("2006-01-02", published)
	if err != nil {
		t.Fatal(err)
	}
	r, err := extract.Default().Extract(&aptgraph.Document{Text: string(text), Published: pub}, extract.Options{Now: pub})
	if err != nil {
		t.Fatalf("extract %s: %v", path, err)
	}
	if _, err := st.Write(context.Background(), &aptgraph.Batch{Report: r.Report, Text: r.Text, Objects: r.Bundle.Objects, Merge: true}); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}

// OpenStore opens an empty SQLite store in the test's temporary folder,
// closed when the test ends.
func OpenStore(t testing.TB) aptgraph.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
