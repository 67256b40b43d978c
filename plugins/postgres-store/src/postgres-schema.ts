/**
 * Layout of the postgres manifest store, version 1, inside one PostgreSQL schema (`manifest.postgres.schema`).
 * As in the sqlite store, the whole manifest is kept as its JSON text (`body`: `text`, not `jsonb`, so the
 * stored bytes are exactly the ones written) and the header fields that `list` filters and returns are copied
 * into indexed columns and link tables. Run ids collate as "C": ULIDs must sort by code unit, whatever the
 * database's locale. `layout` records the version so a newer layout is refused, not misread.
 */
export const LAYOUT_VERSION = 1;

/** A schema name used unquoted-safe in SQL: lowercase letters, digits and underscores. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function layoutSql(schema: string): string {
  const s = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.layout (
  singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  version   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.manifests (
  run_id      TEXT COLLATE "C" PRIMARY KEY,
  kind        TEXT COLLATE "C" NOT NULL,
  created_at  TEXT NOT NULL,
  parents     TEXT NOT NULL,
  dataset_ids TEXT NOT NULL,
  body        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manifests_by_kind ON ${s}.manifests (kind, run_id);
CREATE TABLE IF NOT EXISTS ${s}.manifest_parents (
  parent_id TEXT COLLATE "C" NOT NULL,
  run_id    TEXT COLLATE "C" NOT NULL REFERENCES ${s}.manifests (run_id) ON DELETE CASCADE,
  PRIMARY KEY (parent_id, run_id)
);
CREATE INDEX IF NOT EXISTS manifest_parents_by_run ON ${s}.manifest_parents (run_id);
CREATE TABLE IF NOT EXISTS ${s}.manifest_datasets (
  dataset_id TEXT COLLATE "C" NOT NULL,
  run_id     TEXT COLLATE "C" NOT NULL REFERENCES ${s}.manifests (run_id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, run_id)
);
CREATE INDEX IF NOT EXISTS manifest_datasets_by_run ON ${s}.manifest_datasets (run_id);
INSERT INTO ${s}.layout (version) VALUES (${LAYOUT_VERSION}) ON CONFLICT (singleton) DO NOTHING;
`;
}
