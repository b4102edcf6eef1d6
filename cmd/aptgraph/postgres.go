package main

import (
	"context"

	"github.com/aptgraph/aptgraph"
)

func openPostgres(ctx context.Context, dsn string) (aptgraph.Store, error) {
	return nil, aptgraph.Errorf(aptgraph.EUNSUPPORTED, "PostgreSQL support is not built in yet")
}
