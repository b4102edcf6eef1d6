package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
	"github.com/aptgraph/aptgraph/stix"
)

// CreateCollection stores a new TAXII collection.
func (s *Store) CreateCollection(ctx context.Context, c *aptgraph.Collection) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	c.ID = strings.ToLower(c.ID)
	c.Created = s.now().UTC().Truncate(time.Microsecond)
	var alias *string
	if c.Alias != "" {
		alias = &c.Alias
	}
	// Collection looks ids and aliases up alike, so neither may be taken as
	// the other either; the unique indexes catch two at once.
	tag, err := s.pool.Exec(ctx, `INSERT INTO collections (id, title, description, alias, created)
		SELECT $1, $2, $3, $4, $5
		WHERE NOT EXISTS (SELECT 1 FROM collections WHERE id = $1 OR alias = $1 OR id = $4 OR alias = $4)`,
		c.ID, clean(c.Title), clean(c.Description), alias, c.Created)
	if err == nil && tag.RowsAffected() == 0 {
		return aptgraph.Errorf(aptgraph.ECONFLICT, "a collection with this id or alias exists")
	}
	if err != nil {
		err = FormatError(fmt.Errorf("create collection: %w", err))
		if aptgraph.ErrorCode(err) == aptgraph.ECONFLICT {
			return aptgraph.WrapError(aptgraph.ECONFLICT, "a collection with this id or alias exists", err)
		}
		return err
	}
	return nil
}

// Collections returns every collection, oldest first.
func (s *Store) Collections(ctx context.Context) ([]*aptgraph.Collection, error) {
	out, err := collect(ctx, s.pool, scanCollection, `SELECT id, title, description, coalesce(alias, ''), created
		FROM collections ORDER BY created, id`)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read collections: %w", err))
	}
	return out, nil
}

// Collection returns the collection whose id or alias is id.
func (s *Store) Collection(ctx context.Context, id string) (*aptgraph.Collection, error) {
	c, err := scanCollection(s.pool.QueryRow(ctx, `SELECT id, title, description, coalesce(alias, ''), created
		FROM collections WHERE id = $1 OR alias = $1`, id))
	if err == pgx.ErrNoRows {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "collection %q not found", id)
	} else if err != nil {
		return nil, FormatError(fmt.Errorf("read collection: %w", err))
	}
	return c, nil
}

// collectionID returns the id of the collection whose id or alias is key.
func collectionID(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, key string) (string, error) {
	row := db.QueryRow(ctx, `SELECT id FROM collections WHERE id = $1 OR alias = $1`, key)
	id, err := storesql.CollectionID(row, key, pgx.ErrNoRows)
	return id, FormatError(err)
}

func scanCollection(row storesql.Row) (*aptgraph.Collection, error) {
	var c aptgraph.Collection
	if err := row.Scan(&c.ID, &c.Title, &c.Description, &c.Alias, &c.Created); err != nil {
		return nil, err
	}
	c.Created = c.Created.UTC()
	return &c, nil
}

// CreateToken makes an access token; only the SHA-256 of its secret is
// stored.
func (s *Store) CreateToken(ctx context.Context, spec aptgraph.TokenSpec) (string, *aptgraph.Token, error) {
	if err := spec.Validate(); err != nil {
		return "", nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	defer tx.Rollback(context.Background())

	t := &aptgraph.Token{ID: uuid.NewString(), Name: clean(spec.Name), Read: spec.Read, Write: spec.Write,
		MaxTLP: spec.MaxTLP, Created: s.now().UTC().Truncate(time.Microsecond)}
	if t.Collections, err = storesql.TokenCollections(spec.Collections, func(key string) (string, error) {
		return collectionID(ctx, tx, key)
	}); err != nil {
		return "", nil, err
	}
	secret := aptgraph.NewTokenSecret()
	if _, err := tx.Exec(ctx, `INSERT INTO tokens (id, name, secret_sha256, can_read, can_write, max_tlp, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.Name, aptgraph.HashTokenSecret(secret), t.Read, t.Write,
		int16(t.MaxTLP), t.Created); err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO token_collections (token_id, collection_id) SELECT $1, unnest($2::text[])`,
		t.ID, t.Collections); err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	return secret, t, nil
}

// TokenBySecret returns the valid token whose secret is secret.
func (s *Store) TokenBySecret(ctx context.Context, secret string) (*aptgraph.Token, error) {
	if secret == "" {
		return nil, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "invalid or revoked token")
	}
	ts, err := s.tokens(ctx, `WHERE t.secret_sha256 = $1 AND t.revoked IS NULL`, aptgraph.HashTokenSecret(secret))
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "invalid or revoked token")
	}
	return ts[0], nil
}

// RevokeToken revokes a token for good.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked = coalesce(revoked, $1) WHERE id = $2`,
		s.now().UTC().Truncate(time.Microsecond), id)
	if err != nil {
		return FormatError(fmt.Errorf("revoke token: %w", err))
	}
	if tag.RowsAffected() == 0 {
		return aptgraph.Errorf(aptgraph.ENOTFOUND, "token %q not found", id)
	}
	return nil
}

// Tokens returns every token, revoked ones included, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]*aptgraph.Token, error) {
	return s.tokens(ctx, "")
}

func (s *Store) tokens(ctx context.Context, where string, args ...any) ([]*aptgraph.Token, error) {
	out, err := collect(ctx, s.pool, scanToken, `SELECT t.id, t.name, t.can_read, t.can_write, t.max_tlp, t.created, t.revoked,
			coalesce((SELECT array_agg(collection_id ORDER BY collection_id) FROM token_collections
				WHERE token_id = t.id), '{}')
		FROM tokens t `+where+` ORDER BY t.created, t.id`, args...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read tokens: %w", err))
	}
	return out, nil
}

func scanToken(row storesql.Row) (*aptgraph.Token, error) {
	var (
		t       aptgraph.Token
		tlp     int16
		revoked *time.Time
	)
	if err := row.Scan(&t.ID, &t.Name, &t.Read, &t.Write, &tlp, &t.Created, &revoked, &t.Collections); err != nil {
		return nil, err
	}
	t.MaxTLP, t.Created = stix.TLP(tlp), t.Created.UTC()
	if revoked != nil {
		t.Revoked = revoked.UTC()
	}
	return &t, nil
}
