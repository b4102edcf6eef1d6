package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/enginetest"
	"github.com/aptgraph/aptgraph/storetest"
)

// envDSN names the variable that holds the DSN of a PostgreSQL database the
// tests may create schemas in.
const envDSN = "APTGRAPH_TEST_POSTGRES"

var (
	adminOnce sync.Once
	admin     *pgxpool.Pool
	adminErr  error
)

// openTest opens a store in a schema of its own, dropped when the test ends,
// so that tests neither see nor wait for each other.
func openTest(t testing.TB) *Store {
	t.Helper()
	dsn := needPostgres(t)
	adminOnce.Do(func() { admin, adminErr = pgxpool.New(context.Background(), dsn) })
	if adminErr != nil {
		t.Fatalf("connect to %s: %v", envDSN, adminErr)
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "aptgraph_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("%s must be a postgres:// URL: %v", envDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return s
}

// needPostgres returns the test database's DSN, or skips the test.
func needPostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a database URL, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", envDSN)
	}
	return dsn
}

func TestStore(t *testing.T) {
	needPostgres(t)
	storetest.Run(t, func(t *testing.T) aptgraph.Store { return openTest(t) })
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	if _, err := s.Write(ctx, storetest.Report(1)); err != nil {
		t.Fatal(err)
	}
	// A second Open of the same schema runs no migration again.
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var versions int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM schema_version`).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("schema_version has %d rows (%v), want 2", versions, err)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(t.Context(), "postgres://%zz")
	if got := aptgraph.ErrorCode(err); got != aptgraph.EINVALID {
		t.Errorf("Open of a malformed DSN: code %q, want %q", got, aptgraph.EINVALID)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if got := aptgraph.ErrorCode(err); got != aptgraph.EUNAVAILABLE {
		t.Errorf("Open of a closed port: %v: code %q, want %q", err, got, aptgraph.EUNAVAILABLE)
	}
}

// TestWriteRollsBack breaks a write after all its statements ran: nothing
// of it may remain.
func TestWriteRollsBack(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	if _, err := s.Write(ctx, storetest.Report(1)); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})
	c := &aptgraph.Collection{Title: "c"}
	if err := s.CreateCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	s.beforeCommit = func() error { return boom }
	b := storetest.Report(2)
	b.Collection = c.ID
	if _, err := s.Write(ctx, b); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the injected failure", err)
	}
	s.beforeCommit = nil

	enginetest.RolledBack(t, s, len(before), b)
	res, err := s.Write(ctx, storetest.Report(2))
	if err != nil || res.Created == 0 {
		t.Errorf("write after rollback: %+v, %v", res, err)
	}
}

// TestSecretNotStored looks for a token's secret in every row of the
// store's schema: only its hash may be there.
func TestSecretNotStored(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	secret, tok, err := s.CreateToken(ctx, aptgraph.TokenSpec{Name: "t", Collections: []string{aptgraph.AllCollections}, Read: true})
	if err != nil {
		t.Fatal(err)
	}
	var hash []byte
	if err := s.pool.QueryRow(ctx, `SELECT secret_sha256 FROM tokens WHERE id = $1`, tok.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if string(hash) != string(aptgraph.HashTokenSecret(secret)) {
		t.Errorf("stored hash %x, want the SHA-256 of the secret", hash)
	}
	rows, err := s.pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 5 {
		t.Fatalf("tables %v, %v", tables, err)
	}
	for _, table := range tables {
		var n int
		q := `SELECT count(*) FROM ` + pgx.Identifier{table}.Sanitize() + ` x WHERE strpos(x::text, $1) > 0`
		for _, form := range []string{secret, strings.TrimPrefix(secret, "aptg_"), hex.EncodeToString([]byte(secret))} {
			if err := s.pool.QueryRow(ctx, q, form).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("table %s holds the secret as %q", table, form)
			}
		}
	}
}

// TestDateAddedMonotonic turns the clock back: date_added must still rise.
func TestDateAddedMonotonic(t *testing.T) {
	s := openTest(t)
	enginetest.DateAddedMonotonic(t, s, func(now func() time.Time) { s.now = now })
}

// TestSeqIsCommitOrder holds one write open while another commits: the
// later committer must get the later seq, or a reader paging by seq in
// between would skip the slow write's rows.
func TestSeqIsCommitOrder(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	release := make(chan struct{})
	var releaseOnce sync.Once
	// On a failure too, or the held transaction would block the cleanup.
	defer releaseOnce.Do(func() { close(release) })
	entered := make(chan struct{})
	s.beforeCommit = func() error {
		select {
		case entered <- struct{}{}:
			<-release // the first write waits here, holding its transaction open
		default:
		}
		return nil
	}
	slow := make(chan error, 1)
	go func() {
		_, err := s.Write(ctx, storetest.Bulk(2, "slow"))
		slow <- err
	}()
	<-entered
	fast := make(chan error, 1)
	go func() {
		_, err := s.Write(ctx, storetest.Bulk(2, "fast"))
		fast <- err
	}()
	// The fast write must wait for the slow one: nothing is committed yet.
	select {
	case err := <-fast:
		t.Errorf("the second write finished (%v) while the first held the lock", err)
		fast <- err
	case <-time.After(300 * time.Millisecond):
	}
	page, _ := s.Objects(ctx, aptgraph.ObjectFilter{})
	if len(page) != 0 {
		t.Errorf("a reader sees %d objects before any write committed", len(page))
	}
	releaseOnce.Do(func() { close(release) })
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	if err := <-fast; err != nil {
		t.Fatal(err)
	}
	got, _ := s.Objects(ctx, aptgraph.ObjectFilter{})
	if len(got) != 4 || !strings.Contains(got[0].Object.Name, "slow") || !strings.Contains(got[3].Object.Name, "fast") {
		t.Errorf("objects in seq order: %v; want the slow write's first", names(got))
	}
}

func names(objs []*aptgraph.StoredObject) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Object.Name)
	}
	return out
}

// BenchmarkWriteReport: see enginetest.WriteReport.
func BenchmarkWriteReport(b *testing.B) { enginetest.WriteReport(b, openTest(b)) }

// BenchmarkWriteBulk: see enginetest.WriteBulk.
func BenchmarkWriteBulk(b *testing.B) {
	enginetest.WriteBulk(b, func(tb testing.TB) aptgraph.Store { return openTest(tb) })
}

// TestFormatError provokes the server's errors and checks their codes.
func TestFormatError(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	if _, err := s.pool.Exec(ctx, `INSERT INTO collections (id, title, created) VALUES ('c', 't', now())`); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	exec := func(sql string) func() error {
		return func() error { _, err := s.pool.Exec(ctx, sql); return err }
	}
	tests := []struct {
		name string
		run  func() error
		code string
	}{
		{"unique", exec(`INSERT INTO collections (id, title, created) VALUES ('c', 't', now())`), aptgraph.ECONFLICT},
		{"foreign key", exec(`INSERT INTO collection_objects (collection_id, version_seq, date_added) VALUES ('nope', 1, now())`), aptgraph.ENOTFOUND},
		{"check", exec(`INSERT INTO tokens (id, name, secret_sha256, can_read, can_write, max_tlp, created)
			VALUES ('t', 'n', '\x00', true, false, 0, now())`), aptgraph.EINVALID},
		{"not null", exec(`INSERT INTO collections (id, title, created) VALUES ('d', NULL, now())`), aptgraph.EINVALID},
		{"bad text", func() error {
			_, err := s.pool.Exec(ctx, `INSERT INTO collections (id, title, created) VALUES ('e', $1, now())`, "a\x00b")
			return err
		}, aptgraph.EINVALID},
		{"no rows", func() error {
			var x int
			return s.pool.QueryRow(ctx, `SELECT 1 FROM collections WHERE id = 'none'`).Scan(&x)
		}, aptgraph.ENOTFOUND},
		{"cancelled", func() error { _, err := s.pool.Exec(cancelled, `SELECT 1`); return err }, aptgraph.EUNAVAILABLE},
		{"statement timeout", func() error {
			tx, err := s.pool.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			tx.Exec(ctx, `SET LOCAL statement_timeout = 10`)
			_, err = tx.Exec(ctx, `SELECT pg_sleep(1)`)
			return err
		}, aptgraph.EUNAVAILABLE},
		{"syntax", exec(`SELEKT 1`), aptgraph.EINTERNAL},
		{"already formatted", func() error { return aptgraph.Errorf(aptgraph.ETOOLARGE, "x") }, aptgraph.ETOOLARGE},
	}
	for _, tt := range tests {
		err := tt.run()
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if got := aptgraph.ErrorCode(FormatError(err)); got != tt.code {
			t.Errorf("%s: FormatError(%v) has code %q, want %q", tt.name, err, got, tt.code)
		}
	}
	if FormatError(nil) != nil {
		t.Error("FormatError(nil) != nil")
	}
}
