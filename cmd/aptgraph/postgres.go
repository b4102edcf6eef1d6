package main

import (
	"context"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/postgres"
)

func openPostgres(ctx context.Context, dsn string) (aptgraph.Store, error) {
	return postgres.Open(ctx, dsn)
}
