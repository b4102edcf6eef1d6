package postgres

import (
	"context"
	"fmt"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

// headline is how ts_headline cuts snippets: the matches marked as
// aptgraph.MatchStart and MatchEnd say, two fragments of up to 16 words.
var headline = fmt.Sprintf(`StartSel="%s", StopSel="%s", MaxFragments=2, MaxWords=16, MinWords=6, FragmentDelimiter=" … "`,
	aptgraph.MatchStart, aptgraph.MatchEnd)

// Search runs a full-text query with websearch_to_tsquery, which never
// fails on what a user types, best match first.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]*aptgraph.SearchHit, error) {
	limit, err := storesql.SearchLimit(query, limit)
	if err != nil {
		return nil, err
	}
	// The snippets are cut after the LIMIT: ts_headline reads the whole
	// text, which for a report is long.
	hits, err := collect(ctx, s.pool, storesql.ScanSearchHit, `SELECT h.id, v.type, v.name,
			ts_headline('english', h.name || E'\n' || h.body, h.q, $3), h.rank
		FROM (SELECT d.id, d.name, d.body, q.q, ts_rank(d.tsv, q.q) AS rank
			FROM search_docs d, websearch_to_tsquery('english', $1) AS q (q)
			WHERE d.tsv @@ q.q ORDER BY rank DESC, d.id LIMIT $2) h
		JOIN latest l ON l.id = h.id JOIN object_versions v ON v.seq = l.seq
		ORDER BY h.rank DESC, h.id`, clean(query), limit, headline)
	if err != nil {
		return nil, FormatError(fmt.Errorf("search: %w", err))
	}
	return hits, nil
}
