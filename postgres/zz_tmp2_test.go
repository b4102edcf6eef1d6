package postgres

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"net/url"
	"github.com/jackc/pgx/v5/pgxpool"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/stix"
)

func TestTmpATTACK(t *testing.T) {
	f, _ := os.Open(shared.Path(t, "data", "attack", "enterprise-attack-18.1.json.gz"))
	zr, _ := gzip.NewReader(f)
	var bundle stix.Bundle
	json.NewDecoder(zr).Decode(&bundle)
	s0 := openTest(t)
	var schema string
	s0.pool.QueryRow(context.Background(), "select current_schema()").Scan(&schema)
	u, _ := url.Parse(os.Getenv(envDSN))
	q := u.Query(); q.Set("search_path", schema); u.RawQuery = q.Encode()
	cfg, _ := pgxpool.ParseConfig(u.String())
	cfg.ConnConfig.Tracer = &tracer{t: t}
	pool, _ := pgxpool.NewWithConfig(context.Background(), cfg)
	defer pool.Close()
	s := &Store{pool: pool, now: time.Now}
	start := time.Now()
	res, err := s.Write(context.Background(), &aptgraph.Batch{Objects: bundle.Objects})
	t.Logf("%v %+v %v", time.Since(start), res, err)
	start = time.Now()
	res, err = s.Write(context.Background(), &aptgraph.Batch{Objects: bundle.Objects})
	t.Logf("again %v %+v %v", time.Since(start), res, err)
}
