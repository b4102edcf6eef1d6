package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/enginetest"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/internal/storesql"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/storetest"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "aptgraph.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) aptgraph.Store { return openTest(t) })
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b := storetest.Report(1)
	if _, err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again runs no migration twice and finds the data.
	s, err = Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var versions int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("schema_version has %d rows (%v), want 2", versions, err)
	}
	res, err := s.Write(ctx, storetest.Report(1))
	if err != nil || res.Unchanged != len(b.Objects) {
		t.Errorf("re-write after reopen: %+v, %v; want all unchanged", res, err)
	}
	var mode string
	if err := s.writer.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	for _, path := range []string{"", ":memory:"} {
		_, err := Open(ctx, path)
		if got := aptgraph.ErrorCode(err); got != aptgraph.EINVALID {
			t.Errorf("Open(%q): code %q, want %q", path, got, aptgraph.EINVALID)
		}
	}
	notDB := filepath.Join(t.TempDir(), "text.db")
	os.WriteFile(notDB, bytes.Repeat([]byte("not a database\n"), 100), 0o600)
	if _, err := Open(ctx, notDB); err == nil {
		t.Error("Open of a text file: no error")
	}
}

// TestWriteRollsBack breaks a write half-way: nothing of it may remain.
func TestWriteRollsBack(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	first := storetest.Report(1)
	if _, err := s.Write(ctx, first); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})

	boom := errors.New("boom")
	s.afterObject = func(i int) error {
		if i == 30 {
			return boom
		}
		return nil
	}
	c := &aptgraph.Collection{Title: "c"}
	if err := s.CreateCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	b := storetest.Report(2)
	b.Collection = c.ID
	if _, err := s.Write(ctx, b); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the injected failure", err)
	}
	s.afterObject = nil

	enginetest.RolledBack(t, s, len(before), b)

	// The same write succeeds afterwards, in full.
	res, err := s.Write(ctx, storetest.Report(2))
	if err != nil || res.Created+res.Updated+res.Unchanged != len(b.Objects) || res.Created == 0 {
		t.Errorf("write after rollback: %+v, %v", res, err)
	}
}

// TestCrashMidWrite kills a process in the middle of a large write: the
// store must come back whole, without any of that write.
func TestCrashMidWrite(t *testing.T) {
	if path := os.Getenv("APTGRAPH_CRASH_DB"); path != "" {
		s, err := Open(context.Background(), path)
		if err != nil {
			os.Exit(3)
		}
		s.afterObject = func(i int) error {
			if i == 2000 {
				os.Exit(7) // no rollback, no close: as if the power went
			}
			return nil
		}
		s.Write(context.Background(), storetest.Bulk(5000, "crash"))
		os.Exit(4)
	}
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, storetest.Report(1)); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidWrite$")
	cmd.Env = append(os.Environ(), "APTGRAPH_CRASH_DB="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 7 {
		t.Fatalf("crashing child: %v, want exit status 7\n%s", err, out)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var check string
	if err := s.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	after, _ := s.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})
	if len(after) != len(before) {
		t.Errorf("%d versions after the crash, want %d", len(after), len(before))
	}
}

// TestSecretNotStored looks for a token's secret in every byte the store
// wrote: only its hash may be there.
func TestSecretNotStored(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	secret, tok, err := s.CreateToken(ctx, aptgraph.TokenSpec{Name: "t", Collections: []string{aptgraph.AllCollections}, Read: true})
	if err != nil {
		t.Fatal(err)
	}
	var hash []byte
	if err := s.reader.QueryRowContext(ctx, `SELECT secret_sha256 FROM tokens WHERE id = ?`, tok.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hash, aptgraph.HashTokenSecret(secret)) {
		t.Errorf("stored hash %x, want the SHA-256 of the secret", hash)
	}
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, _ := os.ReadFile(s.Path() + suffix)
		all = append(all, b...)
	}
	if !bytes.Contains(all, hash) {
		t.Fatal("the hash is not in the files: the check reads the wrong files")
	}
	for _, form := range [][]byte{[]byte(secret), []byte(secret[len("aptg_"):]), []byte(hex.EncodeToString([]byte(secret)))} {
		if bytes.Contains(all, form) {
			t.Errorf("the secret is stored in the database files as %q", form)
		}
	}
}

// TestDateAddedMonotonic turns the clock back: date_added must still rise.
func TestDateAddedMonotonic(t *testing.T) {
	s := openTest(t)
	enginetest.DateAddedMonotonic(t, s, func(now func() time.Time) { s.now = now })
}

func TestFTSQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"apt40", `("apt40")`},
		{"APT40 Leviathan", `("APT40" AND "Leviathan")`},
		{`"bank heists" korea`, `("bank heists" AND "korea")`},
		{"a OR b c", `("a") OR ("b" AND "c")`},
		{"a -b -c", `(("a")) NOT ("b" OR "c")`},
		{"-b", ``},
		{"APT-40", `("APT 40")`},
		{`NEAR(a b)`, `("NEAR a" AND "b")`},
		{`col:x "unterminated`, `("col x" AND "unterminated")`},
		{`""  " " ***`, ``},
		{"café", `("café")`},
	}
	for _, tt := range tests {
		if got := ftsQuery(tt.in); got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"apt40", `"a b" OR -c`, `NEAR(a b, 3)`, `a:b*`, `"`, "-"} {
		f.Add(s)
	}
	s := openTest(f)
	if _, err := s.Write(context.Background(), storetest.Report(1)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > storesql.MaxQuery {
			return
		}
		if _, err := s.Search(context.Background(), q, 3); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	})
}

// BenchmarkWriteReport: see enginetest.WriteReport.
func BenchmarkWriteReport(b *testing.B) { enginetest.WriteReport(b, openTest(b)) }

// BenchmarkWriteBulk: see enginetest.WriteBulk.
func BenchmarkWriteBulk(b *testing.B) {
	enginetest.WriteBulk(b, func(tb testing.TB) aptgraph.Store { return openTest(tb) })
}

// BenchmarkImportATTACK writes the real ATT&CK Enterprise bundle (24,772
// objects) from ../shared, as `aptgraph import` will.
func BenchmarkImportATTACK(b *testing.B) {
	ctx := context.Background()
	bundle := readATTACK(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openTest(b)
		b.StartTimer()
		if _, err := s.Write(ctx, &aptgraph.Batch{Objects: bundle.Objects}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(bundle.Objects)*b.N)/b.Elapsed().Seconds(), "objects/s")
}

// TestImportATTACK writes the ATT&CK bundle and reads it back: every object
// stored and its JSON intact. The budget for the import is 5 s, which
// BenchmarkImportATTACK measures; this test fails only at three times that,
// a regression no busy machine explains (a quadratic step, say), so that
// it does not fail on a loaded CI machine.
func TestImportATTACK(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 24,772 objects")
	}
	ctx := t.Context()
	bundle := readATTACK(t)
	s := openTest(t)
	start := time.Now()
	res, err := s.Write(ctx, &aptgraph.Batch{Objects: bundle.Objects})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("imported %d objects in %v", len(bundle.Objects), took)
	if res.Created != len(bundle.Objects) {
		t.Errorf("created %d, want %d", res.Created, len(bundle.Objects))
	}
	// Speed is measured by BenchmarkImportATTACK, not asserted here.
	res, err = s.Write(ctx, &aptgraph.Batch{Objects: bundle.Objects})
	if err != nil || res.Unchanged != len(bundle.Objects) {
		t.Errorf("second import: %+v, %v; want all unchanged", res, err)
	}
	for _, o := range bundle.Objects[:50] {
		got, err := s.Object(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var gotJSON, wantJSON any
		want, _ := json.Marshal(o)
		json.Unmarshal(want, &wantJSON)
		if err := json.Unmarshal(got.Raw, &gotJSON); err != nil {
			t.Fatalf("%s: stored JSON: %v", o.ID, err)
		}
		if diff := cmp.Diff(wantJSON, gotJSON); diff != "" {
			t.Errorf("%s: stored JSON (-want +got):\n%s", o.ID, diff)
		}
	}
	found, err := s.Objects(ctx, aptgraph.ObjectFilter{Name: "kryptonite panda"})
	if err != nil || len(found) != 1 || found[0].Object.Name != "Leviathan" {
		t.Errorf("ATT&CK group by alias: %d found, %v", len(found), err)
	}
}

func readATTACK(tb testing.TB) *stix.Bundle {
	tb.Helper()
	f, err := os.Open(shared.Path(tb, "data", "attack", "enterprise-attack-18.1.json.gz"))
	if err != nil {
		tb.Skipf("ATT&CK bundle: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var bundle stix.Bundle
	if err := json.NewDecoder(zr).Decode(&bundle); err != nil {
		tb.Fatal(err)
	}
	return &bundle
}

// TestFormatError provokes the driver's errors and checks their codes.
func TestFormatError(t *testing.T) {
	ctx := t.Context()
	s := openTest(t)
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO collections (id, title, created) VALUES ('c', 't', 0)`); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		run  func() error
		code string
	}{
		{"unique", func() error {
			_, err := s.writer.ExecContext(ctx, `INSERT INTO collections (id, title, created) VALUES ('c', 't', 0)`)
			return err
		}, aptgraph.ECONFLICT},
		{"foreign key", func() error {
			_, err := s.writer.ExecContext(ctx, `INSERT INTO collection_objects (collection_id, version_seq, date_added) VALUES ('nope', 1, 0)`)
			return err
		}, aptgraph.ENOTFOUND},
		{"check", func() error {
			_, err := s.writer.ExecContext(ctx, `INSERT INTO tokens (id, name, secret_sha256, can_read, can_write, max_tlp, created)
				VALUES ('t', 'n', x'00', 1, 0, 0, 0)`)
			return err
		}, aptgraph.EINVALID},
		{"not null", func() error {
			_, err := s.writer.ExecContext(ctx, `INSERT INTO collections (id, title, created) VALUES ('d', NULL, 0)`)
			return err
		}, aptgraph.EINVALID},
		{"no rows", func() error {
			var x int
			return s.reader.QueryRowContext(ctx, `SELECT 1 FROM collections WHERE id = 'none'`).Scan(&x)
		}, aptgraph.ENOTFOUND},
		{"cancelled", func() error {
			_, err := s.reader.QueryContext(cancelled, `SELECT 1`)
			return err
		}, aptgraph.EUNAVAILABLE},
		{"read-only connection", func() error {
			_, err := s.reader.ExecContext(ctx, `DELETE FROM collections`)
			return err
		}, aptgraph.EUNAVAILABLE},
		{"syntax", func() error {
			_, err := s.reader.ExecContext(ctx, `SELEKT 1`)
			return err
		}, aptgraph.EINTERNAL},
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
