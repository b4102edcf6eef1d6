package postgres

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aptgraph/aptgraph/storetest"
)

type tracer struct {
	t     testing.TB
	start time.Time
	sql   string
}

func (tr *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tr.start, tr.sql = time.Now(), d.SQL
	return ctx
}
func (tr *tracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if el := time.Since(tr.start); el > 5*time.Millisecond {
		s := tr.sql
		if len(s) > 80 {
			s = s[:80]
		}
		tr.t.Logf("%v %q", el, s)
	}
}
func (tr *tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	tr.start = time.Now()
	return ctx
}
func (tr *tracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	s := d.SQL
	if len(s) > 80 {
		s = s[:80]
	}
	tr.t.Logf("  +%v %q %v", time.Since(tr.start), s, d.Err)
}
func (tr *tracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	tr.t.Logf("batch %v", time.Since(tr.start))
}

func TestTmpTrace(t *testing.T) {
	s0 := openTest(t)
	var schema string
	s0.pool.QueryRow(context.Background(), "select current_schema()").Scan(&schema)
	u, _ := url.Parse(os.Getenv(envDSN))
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	cfg, _ := pgxpool.ParseConfig(u.String())
	cfg.ConnConfig.Tracer = &tracer{t: t}
	pool, _ := pgxpool.NewWithConfig(context.Background(), cfg)
	defer pool.Close()
	s := &Store{pool: pool, now: time.Now}
	b := storetest.Bulk(25000, "x")
	start := time.Now()
	if _, err := s.Write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	t.Logf("total %v", time.Since(start))
}
