package taxii_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/postgres"
	"github.com/aptgraph/aptgraph/sqlite"
)

// envDSN names the variable that holds the DSN of a PostgreSQL database the
// tests may create schemas in; without it only SQLite is tested.
const envDSN = "APTGRAPH_TEST_POSTGRES"

// engine opens a fresh, empty store for one test.
type engine struct {
	name string
	open func(t testing.TB) aptgraph.Store
}

// engines returns SQLite, and PostgreSQL when APTGRAPH_TEST_POSTGRES is set.
func engines() []engine {
	es := []engine{{"sqlite", openSQLite}}
	if os.Getenv(envDSN) != "" {
		es = append(es, engine{"postgres", openPostgres})
	}
	return es
}

// forEachEngine runs fn as a subtest per engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, eng engine)) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { fn(t, eng) })
	}
}

// places holds where each store opened by a test lives (a file or a DSN),
// for reopen.
var places sync.Map // aptgraph.Store → func(testing.TB) aptgraph.Store

// reopen opens a second store on what st stores, as another process would.
func reopen(t testing.TB, st aptgraph.Store) aptgraph.Store {
	t.Helper()
	open, ok := places.Load(st)
	if !ok {
		t.Fatal("reopen: the store was not opened by openSQLite or openPostgres")
	}
	return open.(func(testing.TB) aptgraph.Store)(t)
}

func openSQLite(t testing.TB) aptgraph.Store {
	t.Helper()
	path := t.TempDir() + "/aptgraph.db"
	open := func(t testing.TB) aptgraph.Store {
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st := open(t)
	places.Store(st, open)
	return st
}

var pgMu sync.Mutex // serialises schema creation and removal

// openPostgres opens a store in a schema of its own, dropped when the test
// ends, as the postgres package's tests do.
func openPostgres(t testing.TB) aptgraph.Store {
	t.Helper()
	dsn := os.Getenv(envDSN)
	ctx := context.Background()
	exec := func(sql string) error {
		pgMu.Lock()
		defer pgMu.Unlock()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "aptgraph_taxii_" + hex.EncodeToString(b)
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("%s must be a postgres:// URL: %v", envDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	open := func(t testing.TB) aptgraph.Store {
		st, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	// Registered first, so that it runs last: after every store on the
	// schema is closed.
	t.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	st := open(t)
	places.Store(st, open)
	return st
}
