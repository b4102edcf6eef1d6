package sqlite

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

// Search runs a full-text query with FTS5, best match first.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]*aptgraph.SearchHit, error) {
	limit, err := storesql.SearchLimit(query, limit)
	if err != nil {
		return nil, err
	}
	match := ftsQuery(query)
	if match == "" {
		return nil, nil
	}
	hits, err := collect(ctx, s.reader, storesql.ScanSearchHit, `SELECT l.id, v.type, v.name,
			snippet(search, -1, ?, ?, '…', 16), -rank
		FROM search JOIN latest l ON l.n = search.rowid JOIN object_versions v ON v.seq = l.seq
		WHERE search MATCH ? ORDER BY rank LIMIT ?`, aptgraph.MatchStart, aptgraph.MatchEnd, match, limit)
	if err != nil {
		return nil, FormatError(fmt.Errorf("search: %w", err))
	}
	return hits, nil
}

// ftsQuery turns what a user typed into an FTS5 query with the meaning
// aptgraph.Store.Search gives it, the one PostgreSQL's websearch_to_tsquery
// gives too: words must all match, "quoted words" are a phrase, OR between
// two terms allows either, and -word excludes. Every term is written as an
// FTS5 string of letters, digits and spaces only, so that no input can make
// a syntax error. It returns "" when the query has nothing to look for.
func ftsQuery(s string) string {
	var (
		groups [][]string // OR of ANDs
		cur    []string
		not    []string
		or     bool // the last word was OR
	)
	term := func(text string, negate bool) {
		words := strings.FieldsFunc(text, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
		})
		if len(words) == 0 {
			return
		}
		t := `"` + strings.Join(words, " ") + `"`
		switch {
		case negate:
			not = append(not, t)
		case or && len(cur) > 0:
			groups = append(groups, cur)
			cur = []string{t}
		default:
			cur = append(cur, t)
		}
		or = false
	}
	for s != "" {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case s == "":
		case s[0] == '"':
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				end = len(s) - 1
			}
			term(s[1:1+end], false)
			s = s[min(len(s), end+2):]
		default:
			end := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(s)
			}
			word := s[:end]
			s = s[end:]
			switch {
			case strings.EqualFold(word, "or"):
				or = true
			case strings.HasPrefix(word, "-"):
				term(word[1:], true)
			default:
				term(word, false)
			}
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	if len(groups) == 0 {
		return ""
	}
	alts := make([]string, len(groups))
	for i, g := range groups {
		alts[i] = "(" + strings.Join(g, " AND ") + ")"
	}
	q := strings.Join(alts, " OR ")
	if len(not) > 0 {
		q = "(" + q + ") NOT (" + strings.Join(not, " OR ") + ")"
	}
	return q
}
