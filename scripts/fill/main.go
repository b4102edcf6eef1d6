// Command fill writes many generated objects into a store, for load tests:
// intrusion sets, malware and relationships as storetest.Bulk makes them,
// in large batches, all added to one TAXII collection.
//
//	go run ./scripts/fill --db /tmp/load.db --n 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/postgres"
	"github.com/aptgraph/aptgraph/sqlite"
	"github.com/aptgraph/aptgraph/storetest"
)

func main() {
	db := flag.String("db", "", "the store: an SQLite file, or a postgres:// URL")
	n := flag.Int("n", 1000000, "objects to write")
	batch := flag.Int("batch", 10000, "objects per transaction")
	coll := flag.String("collection", "load", "alias of the collection to add them to (made when missing)")
	flag.Parse()
	if *db == "" {
		log.Fatal("fill: give --db")
	}
	ctx := context.Background()
	var st aptgraph.Store
	var err error
	if strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://") {
		st, err = postgres.Open(ctx, *db)
	} else {
		st, err = sqlite.Open(ctx, *db)
	}
	if err != nil {
		log.Fatalf("fill: open: %v", err)
	}
	defer st.Close()
	if _, err := st.Collection(ctx, *coll); aptgraph.ErrorCode(err) == aptgraph.ENOTFOUND {
		if err := st.CreateCollection(ctx, &aptgraph.Collection{Title: "Load test", Alias: *coll}); err != nil {
			log.Fatalf("fill: create collection: %v", err)
		}
	} else if err != nil {
		log.Fatalf("fill: collection: %v", err)
	}
	start := time.Now()
	for done, i := 0, 0; done < *n; i++ {
		size := min(*batch, *n-done)
		b := storetest.Bulk(size, fmt.Sprintf("fill%d", i))
		b.Collection = *coll
		if _, err := st.Write(ctx, b); err != nil {
			log.Fatalf("fill: write batch %d: %v", i, err)
		}
		done += size
		if i%10 == 9 || done == *n {
			el := time.Since(start)
			log.Printf("fill: %d objects in %v (%.0f objects/s)", done, el.Round(time.Second), float64(done)/el.Seconds())
		}
	}
}
