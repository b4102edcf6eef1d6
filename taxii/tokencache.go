package taxii

import (
	"context"
	"sync"
	"time"

	"github.com/aptgraph/aptgraph"
)

// tokenTTL is how long a Server trusts a token it has looked up. Within it,
// a request with the same secret costs neither the SHA-256 nor the query
// of Store.TokenBySecret. The price: a token revoked (by aptgraph token
// revoke, in this process or another) keeps working in a running server for
// up to tokenTTL. Only valid tokens are kept, so an unknown or revoked
// secret is always looked up.
const tokenTTL = 5 * time.Second

// maxTokens bounds the secrets a tokenCache holds; past it, it starts over.
const maxTokens = 1024

// tokenCache keeps recently used tokens by secret.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]tokenEntry
	now     func() time.Time // time.Now; tests replace it
}

type tokenEntry struct {
	tok     *aptgraph.Token
	expires time.Time
}

// get returns the token of secret, from the cache while it is fresh, else
// from the store.
func (c *tokenCache) get(ctx context.Context, st aptgraph.Store, secret string) (*aptgraph.Token, error) {
	now := c.clock()
	c.mu.Lock()
	e, ok := c.entries[secret]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.tok, nil
	}
	tok, err := st.TokenBySecret(ctx, secret)
	if err != nil {
		if ok {
			c.mu.Lock()
			delete(c.entries, secret)
			c.mu.Unlock()
		}
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxTokens {
		c.entries = map[string]tokenEntry{}
	}
	c.entries[secret] = tokenEntry{tok: tok, expires: now.Add(tokenTTL)}
	c.mu.Unlock()
	return tok, nil
}

func (c *tokenCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
