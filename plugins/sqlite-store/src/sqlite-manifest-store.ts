import {mkdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import Database from 'better-sqlite3';
import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type Manifest,
  type ManifestQuery,
  type ManifestStore,
  type ManifestSummary,
  errnoCode,
  checkManifestHeader,
  datasetIdsOf,
  manifestError,
} from '@codex-ml/core';
import {SCHEMA_SQL, SCHEMA_VERSION} from './sqlite-schema.js';

export interface SqliteManifestStoreOptions {
  /** Database file; empty or absent means `<dir>/manifests.sqlite`. */
  readonly path?: string;
  /** The runs directory (`runs.dir`; default `runs`), for the default path. Same option as the fs store's. */
  readonly dir?: string;
  /** How long a writer waits for another process's transaction before giving up; default 15 s. */
  readonly busyTimeoutMs?: number;
}

interface SummaryRow {
  readonly run_id: string;
  readonly kind: string;
  readonly created_at: string;
  readonly parents: string;
  readonly dataset_ids: string;
}

/**
 * Run manifests in one SQLite database. WAL mode lets readers run while a writer commits; every put is one
 * IMMEDIATE transaction, so two processes writing at once queue on the busy timeout instead of failing, and a
 * writer killed mid-put leaves the previous state (SQLite rolls the transaction back on next open).
 */
export class SqliteManifestStore implements ManifestStore {
  readonly name = 'sqlite';
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #listStatements = new Map<string, Database.Statement<unknown[], SummaryRow>>();
  readonly #put: (manifest: Manifest, body: string, replace: boolean) => void;
  readonly #get: Database.Statement<[string], {body: string}>;
  readonly #delete: Database.Statement<[string]>;

  static create(options: BackendOptions): SqliteManifestStore {
    const given = options as SqliteManifestStoreOptions;
    const path = given.path ? resolve(given.path) : join(resolve(given.dir || 'runs'), 'manifests.sqlite');
    return new SqliteManifestStore(path, given.busyTimeoutMs ?? 15_000);
  }

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.#path = path;
    try {
      mkdirSync(dirname(path), {recursive: true});
      this.#db = new Database(path, {timeout: busyTimeoutMs});
      this.#db.pragma('journal_mode = WAL');
      // FULL syncs the WAL on every commit: a manifest that put() reported stored survives a power cut.
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#migrate();
    } catch (error) {
      throw this.#storeError(error, 'open');
    }
    const insert = this.#db.prepare<[string, string, string, string, string, string]>(
      'INSERT INTO manifests (run_id, kind, created_at, parents, dataset_ids, body) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const remove = this.#db.prepare<[string]>('DELETE FROM manifests WHERE run_id = ?');
    this.#delete = remove;
    this.#get = this.#db.prepare<[string], {body: string}>('SELECT body FROM manifests WHERE run_id = ?');
    const linkParent = this.#db.prepare<[string, string]>('INSERT OR IGNORE INTO manifest_parents (parent_id, run_id) VALUES (?, ?)');
    const linkDataset = this.#db.prepare<[string, string]>('INSERT OR IGNORE INTO manifest_datasets (dataset_id, run_id) VALUES (?, ?)');
    const transaction = this.#db.transaction((manifest: Manifest, body: string, replace: boolean) => {
      if (replace) remove.run(manifest.runId);
      const datasetIds = datasetIdsOf(manifest);
      insert.run(manifest.runId, manifest.kind, manifest.createdAt, JSON.stringify(manifest.parents), JSON.stringify(datasetIds), body);
      for (const parent of manifest.parents) linkParent.run(parent, manifest.runId);
      for (const datasetId of datasetIds) linkDataset.run(datasetId, manifest.runId);
    });
    // IMMEDIATE takes the write lock up front, so concurrent writers wait on the busy timeout rather than
    // failing with SQLITE_BUSY when a read lock would have to be upgraded.
    this.#put = (manifest, body, replace) => transaction.immediate(manifest, body, replace);
  }

  /** The database file. */
  get path(): string {
    return this.#path;
  }

  async put(manifest: Manifest, options: {readonly replace?: boolean} = {}): Promise<void> {
    const checked = checkManifestHeader(manifest, `manifest of run ${String(manifest?.runId)}`);
    const body = JSON.stringify(checked);
    try {
      this.#put(checked, body, options.replace === true);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new CodexError('E_EXISTS', `run ${checked.runId} already has a manifest in ${this.#path}`, {
          hint: 'each run writes its manifest once; start a new run instead',
          exitCode: ExitCode.input,
        });
      }
      throw this.#storeError(error, `write the manifest of run ${checked.runId} to`);
    }
  }

  async get(runId: string): Promise<Manifest | undefined> {
    let row: {body: string} | undefined;
    try {
      row = this.#get.get(runId);
    } catch (error) {
      throw this.#storeError(error, `read the manifest of run ${runId} from`);
    }
    if (row === undefined) return undefined;
    const where = `manifest of run ${runId} in ${this.#path}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.body);
    } catch (error) {
      throw manifestError(where, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const manifest = checkManifestHeader(parsed, where);
    if (manifest.runId !== runId) throw manifestError(where, `it names another run, ${manifest.runId}`);
    return manifest;
  }

  async list(query: ManifestQuery = {}): Promise<ManifestSummary[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.kind !== undefined) {
      conditions.push('kind = ?');
      parameters.push(query.kind);
    }
    if (query.parent !== undefined) {
      conditions.push('run_id IN (SELECT run_id FROM manifest_parents WHERE parent_id = ?)');
      parameters.push(query.parent);
    }
    if (query.datasetId !== undefined) {
      conditions.push('run_id IN (SELECT run_id FROM manifest_datasets WHERE dataset_id = ?)');
      parameters.push(query.datasetId);
    }
    // A negative LIMIT is no limit in SQLite.
    parameters.push(query.limit ?? -1);
    const sql =
      'SELECT run_id, kind, created_at, parents, dataset_ids FROM manifests' +
      (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
      ` ORDER BY run_id ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`;
    try {
      let statement = this.#listStatements.get(sql);
      if (statement === undefined) {
        statement = this.#db.prepare<unknown[], SummaryRow>(sql);
        this.#listStatements.set(sql, statement);
      }
      return statement.all(...parameters).map((row) => ({
        runId: row.run_id,
        kind: row.kind,
        createdAt: row.created_at,
        parents: JSON.parse(row.parents) as string[],
        datasetIds: JSON.parse(row.dataset_ids) as string[],
      }));
    } catch (error) {
      throw this.#storeError(error, 'list the manifests in');
    }
  }

  async delete(runId: string): Promise<boolean> {
    try {
      return this.#delete.run(runId).changes > 0;
    } catch (error) {
      throw this.#storeError(error, `delete the manifest of run ${runId} from`);
    }
  }

  async close(): Promise<void> {
    if (this.#db?.open) this.#db.close();
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', {simple: true}) as number;
    if (version > SCHEMA_VERSION) {
      throw new CodexError('E_MANIFEST_STORE', `${this.#path} has layout version ${version}; this plugin reads up to ${SCHEMA_VERSION}`, {
        hint: 'upgrade @codex-ml/plugin-sqlite-store',
        exitCode: ExitCode.integrity,
      });
    }
    if (version === SCHEMA_VERSION) return;
    this.#db
      .transaction(() => {
        this.#db.exec(SCHEMA_SQL);
        this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
  }

  /** Turns a driver or file-system failure into one line naming the database file. */
  #storeError(error: unknown, action: string): CodexError {
    if (typeof error === 'object' && error !== null && (error as {name?: unknown}).name === 'CodexError') return error as CodexError;
    const code = sqliteCode(error) ?? errnoCode(error);
    const message = error instanceof Error ? error.message : String(error);
    const busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
    const damaged = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
    return new CodexError(busy ? 'E_LOCKED' : 'E_MANIFEST_STORE', `cannot ${action} ${this.#path}: ${message}`, {
      hint: busy
        ? 'another process holds the database; retry when it finishes'
        : damaged
          ? 'the file is not a healthy SQLite database; restore it or point manifest.sqlite.path elsewhere'
          : 'check the path and its permissions (manifest.sqlite.path)',
      exitCode: busy ? ExitCode.locked : damaged ? ExitCode.integrity : ExitCode.input,
      cause: error,
    });
  }
}

function sqliteCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as {code?: unknown}).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
