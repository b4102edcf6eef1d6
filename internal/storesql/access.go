package storesql

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aptgraph/aptgraph"
)

// TokenCollections returns the ids of the collections that keys, the
// collections of an aptgraph.TokenSpec, name: sorted and each once, with
// aptgraph.AllCollections kept as it is. lookup returns the id of the
// collection whose id or alias is key, or the error to fail with.
func TokenCollections(keys []string, lookup func(key string) (string, error)) ([]string, error) {
	var ids []string
	for _, key := range keys {
		id := key
		if key != aptgraph.AllCollections {
			var err error
			if id, err = lookup(key); err != nil {
				return nil, err
			}
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// CollectionID reads the id of the collection whose id or alias is key from
// row, the result of a query for it; noRows is the driver's error for a
// result without rows, which makes ENOTFOUND.
func CollectionID(row Row, key string, noRows error) (string, error) {
	var id string
	if err := row.Scan(&id); errors.Is(err, noRows) {
		return "", aptgraph.Errorf(aptgraph.ENOTFOUND, "collection %q not found", key)
	} else if err != nil {
		return "", fmt.Errorf("find collection: %w", err)
	}
	return id, nil
}
