-- Names with their provenance: each row is one scored claim, from a
-- dataset, that a name (norm is its aptgraph.NormalizeName form) belongs to
-- a group, software, country or sector. Rows are replaced by key, never
-- merged or removed.
CREATE TABLE names (
	norm       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	group_key  TEXT NOT NULL,
	name       TEXT NOT NULL,
	group_name TEXT NOT NULL,
	source     TEXT NOT NULL DEFAULT '',
	coiner     TEXT NOT NULL DEFAULT '',
	score      REAL NOT NULL CHECK (score > 0 AND score <= 1),
	PRIMARY KEY (norm, kind, group_key)
) WITHOUT ROWID;
CREATE INDEX names_group ON names (group_key);

-- Local analysts' claims that two names are one group (join) or two
-- (split). An undone claim is kept, with who undid it and when.
CREATE TABLE alias_claims (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	kind      TEXT    NOT NULL CHECK (kind IN ('join', 'split')),
	a         TEXT    NOT NULL,
	b         TEXT    NOT NULL,
	norm_a    TEXT    NOT NULL,
	norm_b    TEXT    NOT NULL,
	by_whom   TEXT    NOT NULL DEFAULT '',
	note      TEXT    NOT NULL DEFAULT '',
	created   INTEGER NOT NULL,
	undone    INTEGER,
	undone_by TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX alias_claims_a ON alias_claims (norm_a);
CREATE INDEX alias_claims_b ON alias_claims (norm_b);
