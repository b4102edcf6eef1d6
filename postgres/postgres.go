// Package postgres is aptgraph's server store: aptgraph.Store on PostgreSQL
// through github.com/jackc/pgx/v5.
//
// The store lives in the schema the connection's search_path names first
// (public by default), so several stores can share a database. Writes take
// an advisory lock for that schema for the length of their transaction:
// PostgreSQL hands out sequence values in the order they are asked for, not
// in the order transactions commit, so without the lock a reader paging by
// seq could pass a row that a slower writer commits later. With it, seq
// order is commit order, and a seq cursor never skips anything.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"embed"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is aptgraph.Store on PostgreSQL.
type Store struct {
	pool    *pgxpool.Pool
	collIDs storesql.CollectionIDs // collection ids by key, for Objects
	feed    writeFeed              // see WriteCount

	// now is the clock date_added is taken from; tests replace it.
	now func() time.Time
	// beforeCommit, when set, runs before a Write commits; an error it
	// returns fails the Write. Tests use it to break a write at its end.
	beforeCommit func() error
}

var (
	_ aptgraph.Store     = (*Store)(nil)
	_ aptgraph.WriteFeed = (*Store)(nil)
)

// Open connects to the PostgreSQL database that dsn names (a URL,
// postgres://user@host:port/db?sslmode=..., or key=value pairs; a
// search_path parameter selects the schema) and brings its schema up to
// date. Returns EINVALID for a malformed dsn and EUNAVAILABLE when the
// server cannot be reached.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "malformed postgres connection string", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, FormatError(fmt.Errorf("connect to postgres: %w", err))
	}
	s := &Store{pool: pool, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	s.feed.stop()
	s.pool.Close()
	return nil
}

// lockKey is the advisory lock key of an action on the store in the current
// schema; the schema is part of it, so stores in other schemas do not wait.
const lockKey = `hashtext($1 || '.' || current_schema())`

// migrate applies, under a lock and in one transaction, the embedded
// migrations that schema_version does not list yet.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return FormatError(fmt.Errorf("migrate: %w", err))
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "aptgraph.migrate"); err != nil {
		return FormatError(fmt.Errorf("migrate: lock: %w", err))
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return FormatError(fmt.Errorf("create schema_version: %w", err))
	}
	ms, err := storesql.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		var applied bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_version WHERE version = $1)`, m.Version).Scan(&applied); err != nil {
			return FormatError(fmt.Errorf("migrate: %w", err))
		}
		if applied {
			continue
		}
		// No arguments: the simple protocol runs a file of statements.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return FormatError(fmt.Errorf("apply migration %s: %w", m.Name, err))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, m.Version); err != nil {
			return FormatError(fmt.Errorf("apply migration %s: %w", m.Name, err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return FormatError(fmt.Errorf("migrate: commit: %w", err))
	}
	return nil
}

// FormatError maps an error of pgx or PostgreSQL onto aptgraph's codes; it
// is the one place that knows what SQLSTATE codes mean. An *aptgraph.Error
// passes through unchanged, and nil stays nil.
func FormatError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := storesql.FormatError(err, pgx.ErrNoRows); ok {
		return e
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if pgconn.SafeToRetry(err) || pgconn.Timeout(err) || isConnectError(err) {
			return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the database cannot be reached", err)
		}
		return aptgraph.WrapError(aptgraph.EINTERNAL, "", err)
	}
	switch pe.Code {
	case "23505": // unique_violation
		return aptgraph.WrapError(aptgraph.ECONFLICT, "already stored", err)
	case "23503": // foreign_key_violation
		return aptgraph.WrapError(aptgraph.ENOTFOUND, "refers to something not stored", err)
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return aptgraph.WrapError(aptgraph.ECONFLICT, "a concurrent change got in the way; try again", err)
	case "54000": // program_limit_exceeded: a tsvector or a row too large
		return aptgraph.WrapError(aptgraph.ETOOLARGE, "too large to store", err)
	case "57014": // query_canceled
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the request was cancelled", err)
	case "28000", "28P01": // invalid_authorization_specification, invalid_password
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the database refused the credentials", err)
	}
	switch pe.Code[:2] {
	case "22", "23": // data_exception, integrity_constraint_violation
		return aptgraph.WrapError(aptgraph.EINVALID, "invalid value", err)
	case "08", "53", "57": // connection_exception, insufficient_resources, operator_intervention
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "the database is unavailable", err)
	}
	return aptgraph.WrapError(aptgraph.EINTERNAL, "", err)
}

func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}
