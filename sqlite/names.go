package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/storesql"
)

// PutNames stores name records in one transaction; see aptgraph.Store.
func (s *Store) PutNames(ctx context.Context, recs []*aptgraph.NameRecord) (int, error) {
	recs, err := aptgraph.PrepareNames(recs)
	if err != nil {
		return 0, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, FormatError(fmt.Errorf("begin put names: %w", err))
	}
	defer tx.Rollback()
	// The WHERE leaves a row that is stored as given untouched, so that
	// changes() counts only what the put changed.
	st, err := tx.PrepareContext(ctx, `INSERT INTO names (norm, kind, group_key, name, group_name, source, coiner, score)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (norm, kind, group_key) DO UPDATE SET name = excluded.name, group_name = excluded.group_name,
			source = excluded.source, coiner = excluded.coiner, score = excluded.score
		WHERE name IS NOT excluded.name OR group_name IS NOT excluded.group_name OR source IS NOT excluded.source
			OR coiner IS NOT excluded.coiner OR score IS NOT excluded.score`)
	if err != nil {
		return 0, FormatError(fmt.Errorf("put names: %w", err))
	}
	defer st.Close()
	changed := 0
	for _, r := range recs {
		res, err := st.ExecContext(ctx, r.Norm, r.Kind, r.GroupKey, r.Name, r.GroupName, r.Source, r.Coiner, r.Score)
		if err != nil {
			return 0, FormatError(fmt.Errorf("put name %q: %w", r.Name, err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, FormatError(fmt.Errorf("put names: %w", err))
		}
		changed += int(n)
	}
	if err := tx.Commit(); err != nil {
		return 0, FormatError(fmt.Errorf("commit put names: %w", err))
	}
	return changed, nil
}

// Names returns the records of a normalised name.
func (s *Store) Names(ctx context.Context, norm string) ([]*aptgraph.NameRecord, error) {
	out, err := collect(ctx, s.reader, storesql.ScanNameRecord, `SELECT `+storesql.NameColumns+`
		FROM names WHERE norm = ? ORDER BY kind, group_key`, norm)
	if err != nil {
		return nil, FormatError(fmt.Errorf("read names: %w", err))
	}
	return out, nil
}

// CountNames returns how many name records are stored.
func (s *Store) CountNames(ctx context.Context) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM names`).Scan(&n); err != nil {
		return 0, FormatError(fmt.Errorf("count names: %w", err))
	}
	return n, nil
}

// CreateAliasClaim stores a local analyst's claim.
func (s *Store) CreateAliasClaim(ctx context.Context, c *aptgraph.AliasClaim) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.Created = fromMicros(micros(s.now()))
	c.Undone, c.UndoneBy = time.Time{}, ""
	res, err := s.writer.ExecContext(ctx, `INSERT INTO alias_claims (kind, a, b, norm_a, norm_b, by_whom, note, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Kind, c.A, c.B, c.NormA, c.NormB, c.By, c.Note, micros(c.Created))
	if err != nil {
		return FormatError(fmt.Errorf("create alias claim: %w", err))
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return FormatError(fmt.Errorf("create alias claim: %w", err))
	}
	return nil
}

const claimColumns = `id, kind, a, b, norm_a, norm_b, by_whom, note, created, undone, undone_by`

// AliasClaims returns the claims that match f, oldest first.
func (s *Store) AliasClaims(ctx context.Context, f aptgraph.AliasClaimFilter) ([]*aptgraph.AliasClaim, error) {
	q := storesql.NewQuery(sqlDialect)
	q.Add(`SELECT ` + claimColumns + ` FROM alias_claims WHERE true`)
	if f.Norm != "" {
		q.Add(` AND (norm_a = ? OR norm_b = ?)`, f.Norm, f.Norm)
	}
	if !f.Undone {
		q.Add(` AND undone IS NULL`)
	}
	q.Add(` ORDER BY id`)
	out, err := collect(ctx, s.reader, scanClaim, q.SQL(), q.Args()...)
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
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	defer tx.Rollback()
	c, err := scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM alias_claims WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "no alias claim %d", id)
	} else if err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	if !c.Standing() {
		return nil, aptgraph.Errorf(aptgraph.ECONFLICT, "alias claim %d was undone already", id)
	}
	c.Undone, c.UndoneBy = fromMicros(micros(s.now())), by
	if _, err := tx.ExecContext(ctx, `UPDATE alias_claims SET undone = ?, undone_by = ? WHERE id = ?`,
		micros(c.Undone), by, id); err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return nil, FormatError(fmt.Errorf("undo alias claim: %w", err))
	}
	return c, nil
}

func scanClaim(row storesql.Row) (*aptgraph.AliasClaim, error) {
	var c aptgraph.AliasClaim
	var created int64
	var undone sql.NullInt64
	if err := row.Scan(&c.ID, &c.Kind, &c.A, &c.B, &c.NormA, &c.NormB, &c.By, &c.Note, &created, &undone, &c.UndoneBy); err != nil {
		return nil, err
	}
	c.Created = fromMicros(created)
	if undone.Valid {
		c.Undone = fromMicros(undone.Int64)
	}
	return &c, nil
}
