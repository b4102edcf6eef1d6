package storesql

import "github.com/aptgraph/aptgraph"

// MaxQuery is the longest search query accepted, in bytes.
const MaxQuery = 1000

// SearchLimit checks a query of aptgraph.Store.Search and returns how many
// hits to return at the most for limit: 20 when limit is not positive.
// Returns EINVALID for a query longer than MaxQuery.
func SearchLimit(query string, limit int) (int, error) {
	if len(query) > MaxQuery {
		return 0, aptgraph.Errorf(aptgraph.EINVALID, "search query is longer than %d bytes", MaxQuery)
	}
	if limit <= 0 {
		return 20, nil
	}
	return limit, nil
}

// ScanSearchHit reads a row of id, type, name, snippet and rank.
func ScanSearchHit(row Row) (*aptgraph.SearchHit, error) {
	var h aptgraph.SearchHit
	if err := row.Scan(&h.ID, &h.Type, &h.Name, &h.Snippet, &h.Rank); err != nil {
		return nil, err
	}
	return &h, nil
}
