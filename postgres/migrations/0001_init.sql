-- Every version of every object, in write order. seq is the paging cursor:
-- Write takes seq values only while it holds the store's write lock (an
-- advisory lock, see write.go), so seq order is commit order. modified is the
-- version key (aptgraph.VersionKey), fixed width so that text order is time
-- order. raw is json, not jsonb: it keeps the object's text as written.
CREATE SEQUENCE object_versions_seq;
CREATE TABLE object_versions (
	seq          bigint      PRIMARY KEY DEFAULT nextval('object_versions_seq'),
	id           text        NOT NULL,
	type         text        NOT NULL,
	spec_version text        NOT NULL,
	modified     text        NOT NULL,
	created      text        NOT NULL DEFAULT '',
	date_added   timestamptz NOT NULL,
	tlp          smallint    NOT NULL CHECK (tlp BETWEEN 0 AND 4),
	name         text        NOT NULL DEFAULT '',
	raw          json        NOT NULL,
	UNIQUE (id, modified)
);
ALTER SEQUENCE object_versions_seq OWNED BY object_versions.seq;
CREATE INDEX object_versions_date_added ON object_versions (date_added);

-- The newest version of each object (greatest version key). Its seq, like
-- the seq of the tables below, has no foreign key: Write, the only writer,
-- keeps it right, and per-row foreign-key triggers would take a third of
-- the time of a bulk import.
CREATE TABLE latest (
	id  text   PRIMARY KEY,
	seq bigint NOT NULL UNIQUE
);

-- Names and aliases of the newest versions, as aptgraph.NameKey gives them.
CREATE TABLE object_names (
	name text NOT NULL,
	id   text NOT NULL,
	PRIMARY KEY (name, id)
);
CREATE INDEX object_names_id ON object_names (id);

-- The newest version of each relationship, for graph queries.
CREATE TABLE relationships (
	id                text   PRIMARY KEY,
	seq               bigint NOT NULL,
	relationship_type text   NOT NULL,
	source_ref        text   NOT NULL,
	target_ref        text   NOT NULL,
	created_by_ref    text   NOT NULL DEFAULT '',
	confidence        integer
);
CREATE INDEX relationships_source ON relationships (source_ref, relationship_type);
CREATE INDEX relationships_target ON relationships (target_ref, relationship_type);
CREATE INDEX relationships_created_by ON relationships (created_by_ref);

-- Ingested documents: the newest report object's facts and the normalised
-- text its evidence offsets point into.
CREATE TABLE reports (
	id        text PRIMARY KEY,
	sha256    text NOT NULL DEFAULT '',
	title     text NOT NULL DEFAULT '',
	url       text NOT NULL DEFAULT '',
	published text NOT NULL DEFAULT '',
	text      text NOT NULL DEFAULT ''
);
CREATE INDEX reports_sha256 ON reports (sha256);

-- Full-text index of the newest versions of objects other than relationships
-- and sightings: names, aliases, values and ATT&CK ids weigh A; descriptions
-- and report texts weigh D. Only the first 500,000 characters of a body are
-- indexed, which keeps a tsvector below PostgreSQL's 1 MB limit.
CREATE TABLE search_docs (
	id   text PRIMARY KEY,
	name text NOT NULL,
	body text NOT NULL,
	tsv  tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('english', name), 'A') ||
		setweight(to_tsvector('english', left(body, 500000)), 'D')) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);

-- TAXII collections, and the object versions added to each. A membership has
-- its own seq and date_added: TAXII's date_added is the time of the addition.
CREATE TABLE collections (
	id          text        PRIMARY KEY,
	title       text        NOT NULL,
	description text        NOT NULL DEFAULT '',
	alias       text        UNIQUE,
	created     timestamptz NOT NULL
);
CREATE SEQUENCE collection_objects_seq;
CREATE TABLE collection_objects (
	seq           bigint      PRIMARY KEY DEFAULT nextval('collection_objects_seq'),
	collection_id text        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	version_seq   bigint      NOT NULL,
	date_added    timestamptz NOT NULL,
	UNIQUE (collection_id, version_seq)
);
ALTER SEQUENCE collection_objects_seq OWNED BY collection_objects.seq;
CREATE INDEX collection_objects_collection ON collection_objects (collection_id, seq);
CREATE INDEX collection_objects_date_added ON collection_objects (date_added);
CREATE INDEX collection_objects_version ON collection_objects (version_seq);

-- Access tokens. Only the SHA-256 of a secret is kept.
CREATE TABLE tokens (
	id            text        PRIMARY KEY,
	name          text        NOT NULL,
	secret_sha256 bytea       NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
	can_read      boolean     NOT NULL,
	can_write     boolean     NOT NULL,
	max_tlp       smallint    NOT NULL CHECK (max_tlp BETWEEN 0 AND 4),
	created       timestamptz NOT NULL,
	revoked       timestamptz
);
CREATE TABLE token_collections (
	token_id      text NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
	collection_id text NOT NULL, -- a collection id, or '*' for all
	PRIMARY KEY (token_id, collection_id)
);
