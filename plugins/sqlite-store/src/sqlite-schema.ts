/**
 * Layout of the sqlite manifest store, version 1. The whole manifest is kept as JSON text (`body`); the header
 * fields that `list` filters and returns are copied into indexed columns and link tables, so listing 10,000
 * runs never parses a manifest. `user_version` records the layout so a newer layout is refused, not misread.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS manifests (
  run_id      TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  parents     TEXT NOT NULL,
  dataset_ids TEXT NOT NULL,
  body        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_by_kind ON manifests (kind, run_id);
CREATE TABLE IF NOT EXISTS manifest_parents (
  parent_id TEXT NOT NULL,
  run_id    TEXT NOT NULL REFERENCES manifests (run_id) ON DELETE CASCADE,
  PRIMARY KEY (parent_id, run_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_parents_by_run ON manifest_parents (run_id);
CREATE TABLE IF NOT EXISTS manifest_datasets (
  dataset_id TEXT NOT NULL,
  run_id     TEXT NOT NULL REFERENCES manifests (run_id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, run_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_datasets_by_run ON manifest_datasets (run_id);
`;
