-- Names with their provenance: each row is one scored claim, from a
-- dataset, that a name (norm is its aptgraph.NormalizeName form) belongs to
-- a group, software, country or sector. Rows are replaced by key, never
-- merged or removed.
CREATE TABLE names (
	norm       text             NOT NULL,
	kind       text             NOT NULL,
	group_key  text             NOT NULL,
	name       text             NOT NULL,
	group_name text             NOT NULL,
	source     text             NOT NULL DEFAULT '',
	coiner     text             NOT NULL DEFAULT '',
	score      double precision NOT NULL CHECK (score > 0 AND score <= 1),
	PRIMARY KEY (norm, kind, group_key)
);
CREATE INDEX names_group ON names (group_key);

-- Local analysts' claims that two names are one group (join) or two
-- (split). An undone claim is kept, with who undid it and when.
CREATE TABLE alias_claims (
	id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind      text        NOT NULL CHECK (kind IN ('join', 'split')),
	a         text        NOT NULL,
	b         text        NOT NULL,
	norm_a    text        NOT NULL,
	norm_b    text        NOT NULL,
	by_whom   text        NOT NULL DEFAULT '',
	note      text        NOT NULL DEFAULT '',
	created   timestamptz NOT NULL,
	undone    timestamptz,
	undone_by text        NOT NULL DEFAULT ''
);
CREATE INDEX alias_claims_a ON alias_claims (norm_a);
CREATE INDEX alias_claims_b ON alias_claims (norm_b);
