-- Every version of every object, in write order. seq is the paging cursor:
-- AUTOINCREMENT never reuses a value, and SQLite's single writer makes seq
-- order commit order. modified is the version key (aptgraph.VersionKey),
-- fixed width so that text order is time order; date_added is in
-- microseconds since the epoch.
CREATE TABLE object_versions (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT    NOT NULL,
	type         TEXT    NOT NULL,
	spec_version TEXT    NOT NULL,
	modified     TEXT    NOT NULL,
	created      TEXT    NOT NULL DEFAULT '',
	date_added   INTEGER NOT NULL,
	tlp          INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),
	name         TEXT    NOT NULL DEFAULT '',
	raw          TEXT    NOT NULL, -- the object's JSON
	UNIQUE (id, modified)
);
CREATE INDEX object_versions_date_added ON object_versions (date_added);

-- The newest version of each object (greatest version key). n is stable and
-- is also the rowid of the object's row in search.
CREATE TABLE latest (
	n   INTEGER PRIMARY KEY,
	id  TEXT    NOT NULL UNIQUE,
	seq INTEGER NOT NULL UNIQUE REFERENCES object_versions (seq)
);

-- Names and aliases of the newest versions, as aptgraph.NameKey gives them.
CREATE TABLE object_names (
	name TEXT NOT NULL,
	id   TEXT NOT NULL,
	PRIMARY KEY (name, id)
) WITHOUT ROWID;
CREATE INDEX object_names_id ON object_names (id);

-- The newest version of each relationship, for graph queries.
CREATE TABLE relationships (
	id                TEXT    PRIMARY KEY,
	seq               INTEGER NOT NULL REFERENCES object_versions (seq),
	relationship_type TEXT    NOT NULL,
	source_ref        TEXT    NOT NULL,
	target_ref        TEXT    NOT NULL,
	created_by_ref    TEXT    NOT NULL DEFAULT '',
	confidence        INTEGER
);
CREATE INDEX relationships_source ON relationships (source_ref, relationship_type);
CREATE INDEX relationships_target ON relationships (target_ref, relationship_type);
CREATE INDEX relationships_created_by ON relationships (created_by_ref);

-- Ingested documents: the newest report object's facts and the normalised
-- text its evidence offsets point into.
CREATE TABLE reports (
	id        TEXT PRIMARY KEY,
	sha256    TEXT NOT NULL DEFAULT '',
	title     TEXT NOT NULL DEFAULT '',
	url       TEXT NOT NULL DEFAULT '',
	published TEXT NOT NULL DEFAULT '',
	text      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reports_sha256 ON reports (sha256);

-- Full-text index of the newest versions of objects other than relationships
-- and sightings: names, aliases, values and ATT&CK ids; descriptions and,
-- for reports, the report text. rowid = latest.n.
CREATE VIRTUAL TABLE search USING fts5 (
	name, body,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- TAXII collections, and the object versions added to each. A membership has
-- its own seq and date_added: TAXII's date_added is the time of the addition.
CREATE TABLE collections (
	id          TEXT    PRIMARY KEY,
	title       TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	alias       TEXT    UNIQUE,
	created     INTEGER NOT NULL
);
CREATE TABLE collection_objects (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT,
	collection_id TEXT    NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	version_seq   INTEGER NOT NULL REFERENCES object_versions (seq),
	date_added    INTEGER NOT NULL,
	UNIQUE (collection_id, version_seq)
);
CREATE INDEX collection_objects_collection ON collection_objects (collection_id, seq);
CREATE INDEX collection_objects_date_added ON collection_objects (date_added);

-- Access tokens. Only the SHA-256 of a secret is kept.
CREATE TABLE tokens (
	id            TEXT    PRIMARY KEY,
	name          TEXT    NOT NULL,
	secret_sha256 BLOB    NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
	can_read      INTEGER NOT NULL,
	can_write     INTEGER NOT NULL,
	max_tlp       INTEGER NOT NULL CHECK (max_tlp BETWEEN 0 AND 4),
	created       INTEGER NOT NULL,
	revoked       INTEGER
);
CREATE TABLE token_collections (
	token_id      TEXT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
	collection_id TEXT NOT NULL, -- a collection id, or '*' for all
	PRIMARY KEY (token_id, collection_id)
) WITHOUT ROWID;

-- Rank names ten times above descriptions and texts.
INSERT INTO search (search, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
