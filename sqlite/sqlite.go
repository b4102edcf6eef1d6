// Package sqlite is aptgraph's embedded store: aptgraph.Store on one SQLite
// file, through the pure-Go driver modernc.org/sqlite.
//
// The file is in WAL mode. All writes go through a single connection, so
// they are serialised in the process and seq order is commit order; reads
// use a pool of read-only connections that WAL lets run beside the writer.
// Another process that writes the same file waits for the lock (busy
// timeout) instead of failing at once.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a connection waits for another process's write
// lock before it gives up with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Store is aptgraph.Store on SQLite.
type Store struct {
	path    string
	writer  *sql.DB                // one connection: every write is serialised through it
	reader  *sql.DB                // read-only connections
	stmts   stmtCache              // prepared statements on reader
	collIDs storesql.CollectionIDs // collection ids by key, for Objects

	// now is the clock date_added is taken from; tests replace it.
	now func() time.Time
	// afterObject, when set, runs after each object a Write has written;
	// an error it returns fails the Write. Tests use it to break a write
	// half-way.
	afterObject func(i int) error
}

var _ aptgraph.Store = (*Store)(nil)

// Open opens the store in the SQLite file at path, creating it when it does
// not exist and bringing its schema up to date. path may also be written
// "sqlite:path" or "file:path".
func Open(ctx context.Context, path string) (*Store, error) {
	for _, p := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if strings.HasPrefix(path, p) {
			path = strings.TrimPrefix(path, p)
			break
		}
	}
	if path == "" || path == ":memory:" {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "the sqlite store needs a file path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "bad sqlite path", err)
	}
	s := &Store{path: abs, now: time.Now}

	base := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?_busy_timeout=" + strconv.Itoa(int(busyTimeout/time.Millisecond)) +
		"&_foreign_keys=1&_synchronous=NORMAL&_pragma=temp_store(MEMORY)"
	// journal_mode is set on the writer alone: it changes the file. The
	// writer's page cache (128 MiB at most) holds a bulk import's dirty
	// pages until commit, instead of spilling them to the WAL half-way.
	if s.writer, err = sql.Open("sqlite", base+"&_journal_mode=WAL&_txlock=immediate&_pragma=cache_size(-131072)"); err != nil {
		return nil, FormatError(fmt.Errorf("open sqlite writer: %w", err))
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxIdleTime(0)
	s.writer.SetConnMaxLifetime(0)
	if err := s.migrate(ctx); err != nil {
		s.writer.Close()
		return nil, err
	}

	if s.reader, err = sql.Open("sqlite", base+"&_query_only=1&_pragma=cache_size(-32000)&_pragma=mmap_size(8589934592)"); err != nil {
		s.writer.Close()
		return nil, FormatError(fmt.Errorf("open sqlite readers: %w", err))
	}
	n := max(4, runtime.NumCPU())
	s.reader.SetMaxOpenConns(n)
	s.reader.SetMaxIdleConns(n)
	if err := s.reader.PingContext(ctx); err != nil {
		s.Close()
		return nil, FormatError(fmt.Errorf("open sqlite readers: %w", err))
	}
	return s, nil
}

// Path returns the absolute path of the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store's connections, checkpointing the WAL into the file.
func (s *Store) Close() error {
	var errs []error
	s.stmts.close()
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return FormatError(fmt.Errorf("close sqlite store: %w", err))
	}
	return nil
}

// migrate applies, in order and each in its own transaction, the embedded
// migrations that schema_version does not list yet.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)`); err != nil {
		return FormatError(fmt.Errorf("create schema_version: %w", err))
	}
	ms, err := storesql.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m storesql.Migration) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return FormatError(fmt.Errorf("migrate: %w", err))
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return FormatError(fmt.Errorf("migrate: %w", err))
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return FormatError(fmt.Errorf("apply migration %s: %w", m.Name, err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied) VALUES (?, ?)`,
		m.Version, time.Now().UnixMicro()); err != nil {
		return FormatError(fmt.Errorf("apply migration %s: %w", m.Name, err))
	}
	return FormatError(tx.Commit())
}

// FormatError maps an error of the SQLite driver onto aptgraph's codes; it
// is the one place that knows what SQLite's result codes mean. An
// *aptgraph.Error passes through unchanged, and nil stays nil.
func FormatError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := storesql.FormatError(err, sql.ErrNoRows); ok {
		return e
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return aptgraph.WrapError(aptgraph.EINTERNAL, "", err)
	}
	switch code := se.Code(); code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return aptgraph.WrapError(aptgraph.ECONFLICT, "already stored", err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return aptgraph.WrapError(aptgraph.ENOTFOUND, "refers to something not stored", err)
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG:
		return aptgraph.WrapError(aptgraph.EINVALID, "invalid value", err)
	default:
		switch code & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return aptgraph.WrapError(aptgraph.EINVALID, "invalid value", err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the database is busy", err)
		case sqlite3.SQLITE_INTERRUPT:
			return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the request was cancelled", err)
		case sqlite3.SQLITE_FULL:
			return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the disk is full", err)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY:
			return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "cannot open or write the database file", err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return aptgraph.WrapError(aptgraph.EINTERNAL, "the database file is damaged or not a database", err)
		}
	}
	return aptgraph.WrapError(aptgraph.EINTERNAL, "", err)
}

// micros and fromMicros convert between time.Time and the microseconds since
// the epoch that the schema keeps times in.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
