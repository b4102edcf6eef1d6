package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

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
	c.Created = fromMicros(micros(s.now()))
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return FormatError(fmt.Errorf("create collection: %w", err))
	}
	defer tx.Rollback()
	// Collection looks ids and aliases up alike, so neither may be taken
	// as the other either.
	names := []string{c.ID}
	if c.Alias != "" {
		names = append(names, c.Alias)
	}
	q := storesql.NewQuery(sqlDialect)
	q.Add(`SELECT count(*) FROM collections WHERE false`)
	q.In(` OR id`, names)
	q.In(` OR alias`, names)
	var n int
	if err := tx.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return FormatError(fmt.Errorf("create collection: %w", err))
	}
	if n > 0 {
		return aptgraph.Errorf(aptgraph.ECONFLICT, "a collection with this id or alias exists")
	}
	var alias any
	if c.Alias != "" {
		alias = c.Alias
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO collections (id, title, description, alias, created) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.Title, c.Description, alias, micros(c.Created)); err != nil {
		return FormatError(fmt.Errorf("create collection: %w", err))
	}
	return FormatError(tx.Commit())
}

// Collections returns every collection, oldest first.
func (s *Store) Collections(ctx context.Context) ([]*aptgraph.Collection, error) {
	out, err := collect(ctx, s.reader, scanCollection, `SELECT id, title, description, coalesce(alias, ''), created
		FROM collections ORDER BY created, id`)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read collections: %w", err))
	}
	return out, nil
}

// Collection returns the collection whose id or alias is id.
func (s *Store) Collection(ctx context.Context, id string) (*aptgraph.Collection, error) {
	c, err := scanCollection(s.reader.QueryRowContext(ctx, `SELECT id, title, description, coalesce(alias, ''), created
		FROM collections WHERE id = ?1 OR alias = ?1`, id))
	if err == sql.ErrNoRows {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "collection %q not found", id)
	} else if err != nil {
		return nil, FormatError(fmt.Errorf("read collection: %w", err))
	}
	return c, nil
}

// collectionID returns the id of the collection whose id or alias is key.
func collectionID(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, error) {
	row := db.QueryRowContext(ctx, `SELECT id FROM collections WHERE id = ?1 OR alias = ?1`, key)
	id, err := storesql.CollectionID(row, key, sql.ErrNoRows)
	return id, FormatError(err)
}

func scanCollection(row storesql.Row) (*aptgraph.Collection, error) {
	var c aptgraph.Collection
	var created int64
	if err := row.Scan(&c.ID, &c.Title, &c.Description, &c.Alias, &created); err != nil {
		return nil, err
	}
	c.Created = fromMicros(created)
	return &c, nil
}

// CreateToken makes an access token; only the SHA-256 of its secret is
// stored.
func (s *Store) CreateToken(ctx context.Context, spec aptgraph.TokenSpec) (string, *aptgraph.Token, error) {
	if err := spec.Validate(); err != nil {
		return "", nil, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	defer tx.Rollback()

	t := &aptgraph.Token{ID: uuid.NewString(), Name: spec.Name, Read: spec.Read, Write: spec.Write,
		MaxTLP: spec.MaxTLP, Created: fromMicros(micros(s.now()))}
	if t.Collections, err = storesql.TokenCollections(spec.Collections, func(key string) (string, error) {
		return collectionID(ctx, tx, key)
	}); err != nil {
		return "", nil, err
	}
	secret := aptgraph.NewTokenSecret()
	if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, name, secret_sha256, can_read, can_write, max_tlp, created)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.Name, aptgraph.HashTokenSecret(secret), t.Read, t.Write,
		int(t.MaxTLP), micros(t.Created)); err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	for _, c := range t.Collections {
		if _, err := tx.ExecContext(ctx, `INSERT INTO token_collections (token_id, collection_id) VALUES (?, ?)`,
			t.ID, c); err != nil {
			return "", nil, FormatError(fmt.Errorf("create token: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return "", nil, FormatError(fmt.Errorf("create token: %w", err))
	}
	return secret, t, nil
}

// TokenBySecret returns the valid token whose secret is secret.
func (s *Store) TokenBySecret(ctx context.Context, secret string) (*aptgraph.Token, error) {
	if secret == "" {
		return nil, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "invalid or revoked token")
	}
	ts, err := s.tokens(ctx, `WHERE t.secret_sha256 = ? AND t.revoked IS NULL`, aptgraph.HashTokenSecret(secret))
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
	r, err := s.writer.ExecContext(ctx, `UPDATE tokens SET revoked = coalesce(revoked, ?) WHERE id = ?`,
		micros(s.now()), id)
	if err != nil {
		return FormatError(fmt.Errorf("revoke token: %w", err))
	}
	if n, err := r.RowsAffected(); err != nil {
		return FormatError(fmt.Errorf("revoke token: %w", err))
	} else if n == 0 {
		return aptgraph.Errorf(aptgraph.ENOTFOUND, "token %q not found", id)
	}
	return nil
}

// Tokens returns every token, revoked ones included, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]*aptgraph.Token, error) {
	return s.tokens(ctx, "")
}

func (s *Store) tokens(ctx context.Context, where string, args ...any) ([]*aptgraph.Token, error) {
	out, err := collect(ctx, s.reader, scanToken, `SELECT t.id, t.name, t.can_read, t.can_write, t.max_tlp, t.created,
			coalesce(t.revoked, 0), coalesce((SELECT json_group_array(collection_id) FROM
				(SELECT collection_id FROM token_collections WHERE token_id = t.id ORDER BY collection_id)), '[]')
		FROM tokens t `+where+` ORDER BY t.created, t.id`, args...)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read tokens: %w", err))
	}
	return out, nil
}

func scanToken(row storesql.Row) (*aptgraph.Token, error) {
	var (
		t                aptgraph.Token
		tlp              int
		created, revoked int64
		collections      string
	)
	if err := row.Scan(&t.ID, &t.Name, &t.Read, &t.Write, &tlp, &created, &revoked, &collections); err != nil {
		return nil, err
	}
	t.MaxTLP, t.Created = stix.TLP(tlp), fromMicros(created)
	if revoked != 0 {
		t.Revoked = fromMicros(revoked)
	}
	if err := json.Unmarshal([]byte(collections), &t.Collections); err != nil {
		return nil, err
	}
	return &t, nil
}
