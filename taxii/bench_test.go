package taxii_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/storetest"
	"github.com/aptgraph/aptgraph/taxii"
)

// BenchmarkGetPage1000 reads pages of 1,000 objects of a 20,000-object
// collection with an amber token, following X-TAXII-Date-Added-Last as the
// load test does: "cold" with the page cache off, so that every page is
// read from the store, and "cached" with it on (after the first 20 pages,
// every page is a hit).
func BenchmarkGetPage1000(b *testing.B) {
	for _, eng := range engines() {
		for _, mode := range []struct {
			name  string
			cache int64
		}{{"cold", -1}, {"cached", 0}} {
			b.Run(eng.name+"/"+mode.name, func(b *testing.B) { benchPages(b, eng, mode.cache) })
		}
	}
}

func benchPages(b *testing.B, eng engine, cacheBytes int64) {
	st := eng.open(b)
	ctx := context.Background()
	if err := st.CreateCollection(ctx, &aptgraph.Collection{Title: "load", Alias: "load"}); err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		batch := storetest.Bulk(10000, fmt.Sprint("bench", i))
		batch.Collection = "load"
		if _, err := st.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	secret, _, err := st.CreateToken(ctx, aptgraph.TokenSpec{Name: "b", Collections: []string{"*"}, Read: true, MaxTLP: stix.TLPAmber})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(taxii.NewServer(st, taxii.ServerOptions{CacheBytes: cacheBytes}))
	defer srv.Close()
	url := srv.URL + root + "collections/load/objects/?limit=1000"
	cursor := ""
	b.ResetTimer()
	for b.Loop() {
		u := url
		if cursor != "" {
			u += "&added_after=" + cursor
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		cursor = resp.Header.Get("X-TAXII-Date-Added-Last")
	}
}
