package taxii

import (
	"context"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
)

// countingStore answers TokenBySecret from a map and counts the calls.
type countingStore struct {
	aptgraph.Store
	tokens map[string]*aptgraph.Token
	calls  int
}

func (s *countingStore) TokenBySecret(ctx context.Context, secret string) (*aptgraph.Token, error) {
	s.calls++
	if t, ok := s.tokens[secret]; ok {
		return t, nil
	}
	return nil, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "unknown token")
}

func TestTokenCache(t *testing.T) {
	ctx := context.Background()
	st := &countingStore{tokens: map[string]*aptgraph.Token{"s1": {ID: "t1"}}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &tokenCache{now: func() time.Time { return now }}
	for range 3 {
		if tok, err := c.get(ctx, st, "s1"); err != nil || tok.ID != "t1" {
			t.Fatalf("get(s1) = %v, %v", tok, err)
		}
	}
	if st.calls != 1 {
		t.Errorf("3 lookups within the TTL made %d store calls, want 1", st.calls)
	}
	// Unknown secrets are never cached.
	for range 2 {
		if _, err := c.get(ctx, st, "nope"); aptgraph.ErrorCode(err) != aptgraph.EUNAUTHORIZED {
			t.Errorf("get(nope): %v, want EUNAUTHORIZED", err)
		}
	}
	if st.calls != 3 {
		t.Errorf("store calls = %d, want 3", st.calls)
	}
	// A revoked token works until the TTL runs out, then no more.
	delete(st.tokens, "s1")
	now = now.Add(tokenTTL - time.Millisecond)
	if _, err := c.get(ctx, st, "s1"); err != nil {
		t.Errorf("get(s1) within the TTL after revocation: %v", err)
	}
	now = now.Add(time.Millisecond)
	if _, err := c.get(ctx, st, "s1"); aptgraph.ErrorCode(err) != aptgraph.EUNAUTHORIZED {
		t.Errorf("get(s1) after the TTL: %v, want EUNAUTHORIZED", err)
	}
	if _, err := c.get(ctx, st, "s1"); aptgraph.ErrorCode(err) != aptgraph.EUNAUTHORIZED {
		t.Errorf("get(s1) again: %v, want EUNAUTHORIZED", err)
	}
}
