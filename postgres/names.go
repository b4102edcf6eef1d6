package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

// PutNames stores name records in one transaction; see aptgraph.Store.
func (s *Store) PutNames(ctx context.Context, recs []*aptgraph.NameRecord) (int, error) {
	recs, err := aptgraph.PrepareNames(recs)
	if err != nil {
		return 0, err
	}
	cols := make([][]string, 7)
	for i := range cols {
		cols[i] = make([]string, len(recs))
	}
	scores := make([]float64, len(recs))
	for i, r := range recs {
		for j, v := range []string{r.Norm, r.Kind, r.GroupKey, r.Name, r.GroupName, r.Source, r.Coiner} {
			cols[j][i] = v
		}
		scores[i] = r.Score
	}
	// One statement for all: PrepareNames leaves no key twice, which ON
	// CONFLICT needs, and the WHERE leaves rows stored as given untouched,
	// so that the count is of what the put changed.
	tag, err := s.pool.Exec(ctx, `INSERT INTO names (norm, kind, group_key, name, group_name, source, coiner, score)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])
		ON CONFLICT (norm, kind, group_key) DO UPDATE SET name = excluded.name, group_name = excluded.group_name,
			source = excluded.source, coiner = excluded.coiner, score = excluded.score
		WHERE (names.name, names.group_name, names.source, names.coiner, names.score)
			IS DISTINCT FROM (excluded.name, excluded.group_name, excluded.source, excluded.coiner, excluded.score)`,
		cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], scores)
	if err != nil {
		return 0, FormatError(fmt.Errorf("put names: %w", err))
	}
	return int(tag.RowsAffected()), nil
}

// Names returns the records of a normalised name.
func (s *Store) Names(ctx context.Context, norm string) ([]*aptgraph.NameRecord, error) {
	out, err := collect(ctx, s.pool, storesql.ScanNameRecord, `SELECT `+storesql.NameColumns+`
		FROM names WHERE norm = $1 ORDER BY kind COLLATE "C", group_key COLLATE "C"`, norm)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read names: %w", err))
	}
	return out, nil
}

// CountNames returns how many name records are stored.
func (s *Store) CountNames(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM names`).Scan(&n); err != nil {
		return 0, FormatError(fmt.Errorf("count names: %w", err))
	}
	return n, nil
}

// CreateAliasClaim stores a local analyst's claim.
func (s *Store) CreateAliasClaim(ctx context.Context, c *aptgraph.AliasClaim) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.Created = s.now().UTC().Truncate(time.Microsecond)
	c.Undone, c.UndoneBy = time.Time{}, ""
	err := s.pool.QueryRow(ctx, `INSERT INTO alias_claims (kind, a, b, norm_a, norm_b, by_whom, note, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.Kind, c.A, c.B, c.NormA, c.NormB, c.By, c.Note, c.Created).Scan(&c.ID)
	if err != nil {
		return FormatError(fmt.Errorf("create alias claim: %w", err))
	}
	return nil
}

const claimColumns = `id, kind, a, b, norm_a, norm_b, by_whom, note, created, undone, undone_by`

// AliasClaims returns the claims that match f, oldest first.
func (s *Store) AliasClaims(ctx context.Context, f aptgraph.AliasClaimFilter) ([]*aptgraph.AliasClaim, error) {
	out, err := collect(ctx, s.pool, scanClaim, `SELECT `+claimColumns+` FROM alias_claims
		WHERE ($1 = '' OR norm_a = $1 OR norm_b = $1) AND ($2 OR undone IS NULL) ORDER BY id`, f.Norm, f.Undone)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read alias claims: %w", err))
	}
	return out, nil
}

// UndoAliasClaim withdraws a standing claim.
func (s *Store) UndoAliasClaim(ctx context.Context, id int64, by string) (*aptgraph.AliasClaim, error) {
	if err := aptgraph.ValidateUndo(by); err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	defer tx.Rollback(context.Background())
	c, err := scanClaim(tx.QueryRow(ctx, `SELECT `+claimColumns+` FROM alias_claims WHERE id = $1 FOR UPDATE`, id))
	if err == pgx.ErrNoRows {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "no alias claim %d", id)
	} else if err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	if !c.Standing() {
		return nil, aptgraph.Errorf(aptgraph.ECONFLICT, "alias claim %d was undone already", id)
	}
	c.Undone, c.UndoneBy = s.now().UTC().Truncate(time.Microsecond), by
	if _, err := tx.Exec(ctx, `UPDATE alias_claims SET undone = $1, undone_by = $2 WHERE id = $3`, c.Undone, by, id); err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	return c, nil
}

func scanClaim(row storesql.Row) (*aptgraph.AliasClaim, error) {
	var c aptgraph.AliasClaim
	var undone *time.Time
	if err := row.Scan(&c.ID, &c.Kind, &c.A, &c.B, &c.NormA, &c.NormB, &c.By, &c.Note, &c.Created, &undone, &c.UndoneBy); err != nil {
		return nil, err
	}
	c.Created = c.Created.UTC()
	if undone != nil {
		c.Undone = undone.UTC()
	}
	return &c, nil
}
