// Command serveprof serves a store over TAXII like aptgraph serve, with
// net/http/pprof beside it under /debug/pprof/, so that a CPU profile can be
// taken while scripts/loadtest.sh's wrk runs against it:
//
//	go run ./scripts/serveprof --db /tmp/load.db --addr 127.0.0.1:8181 &
//	go tool pprof -top http://127.0.0.1:8181/debug/pprof/profile?seconds=20
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/postgres"
	"github.com/aptgraph/aptgraph/sqlite"
	"github.com/aptgraph/aptgraph/taxii"
)

func main() {
	db := flag.String("db", "", "the store: an SQLite file, or a postgres:// URL")
	addr := flag.String("addr", "127.0.0.1:8181", "where to listen")
	cacheMB := flag.Int64("cache-mb", 512, "the page cache's size in MiB, as aptgraph serve's --cache-mb; 0 turns it off")
	flag.Parse()
	ctx := context.Background()
	var st aptgraph.Store
	var err error
	if strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://") {
		st, err = postgres.Open(ctx, *db)
	} else {
		st, err = sqlite.Open(ctx, *db)
	}
	if err != nil {
		log.Fatalf("serveprof: open: %v", err)
	}
	defer st.Close()
	cacheBytes := *cacheMB << 20
	if cacheBytes == 0 {
		cacheBytes = -1
	}
	srv := taxii.NewServer(st, taxii.ServerOptions{CacheBytes: cacheBytes})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/pprof/") {
			http.DefaultServeMux.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	})
	log.Printf("serveprof: serving TAXII 2.1 on http://%s/taxii2/", *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}
