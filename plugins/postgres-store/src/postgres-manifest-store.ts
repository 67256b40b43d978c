import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type Manifest,
  type ManifestQuery,
  type ManifestStore,
  type ManifestSummary,
  errnoCode,
  isCodexError,
  checkManifestHeader,
  datasetIdsOf,
  manifestError,
} from '@codex-ml/core';
import pg from 'pg';
import {LAYOUT_VERSION, SCHEMA_NAME, layoutSql} from './postgres-schema.js';
import {PostgresTarget} from './postgres-target.js';

export interface PostgresManifestStoreOptions {
  /** `postgres://user[:password]@host:port/database`; empty or absent: the PG* environment variables. */
  readonly url?: string;
  /** Schema holding the store's tables; default `codex_ml`. Several stores can share one database. */
  readonly schema?: string;
  /** Connections per process; default 4. */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing; default 10 s. */
  readonly connectTimeoutMs?: number;
}

interface SummaryRow {
  readonly run_id: string;
  readonly kind: string;
  readonly created_at: string;
  readonly parents: string;
  readonly dataset_ids: string;
}

/** SQLSTATE of a unique-key violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Run manifests in a PostgreSQL database, so a team shares one listing of every run. Each put is one
 * transaction (manifest row plus its parent and dataset links), so readers see a whole manifest or none, and a
 * writer killed mid-put leaves nothing behind; concurrent writers from any number of machines are serialized
 * by the server. The layout is created on first use under an advisory lock, so two first writers cannot race.
 */
export class PostgresManifestStore implements ManifestStore {
  readonly name = 'postgres';
  readonly #pool: pg.Pool;
  readonly #target: PostgresTarget;
  readonly #schema: string;
  #closed = false;

  static async create(options: BackendOptions): Promise<PostgresManifestStore> {
    const given = options as PostgresManifestStoreOptions;
    const schema = given.schema || 'codex_ml';
    if (!SCHEMA_NAME.test(schema)) {
      throw new CodexError('E_CONFIG', `manifest.postgres.schema ${JSON.stringify(schema)} is not a plain schema name`, {
        hint: 'use lowercase letters, digits and underscores, starting with a letter (e.g. codex_ml)',
        exitCode: ExitCode.config,
      });
    }
    const store = new PostgresManifestStore(PostgresTarget.from(given.url), schema, given.poolSize ?? 4, given.connectTimeoutMs ?? 10_000);
    try {
      await store.#migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(target: PostgresTarget, schema: string, poolSize: number, connectTimeoutMs: number) {
    this.#target = target;
    this.#schema = schema;
    this.#pool = new pg.Pool({
      ...target.config,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      idleTimeoutMillis: 10_000,
      application_name: 'codex-ml',
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  /** The server and database, password masked. */
  get label(): string {
    return `${this.#target.label} schema ${this.#schema}`;
  }

  async put(manifest: Manifest, options: {readonly replace?: boolean} = {}): Promise<void> {
    const checked = checkManifestHeader(manifest, `manifest of run ${String(manifest?.runId)}`);
    const body = JSON.stringify(checked);
    const datasetIds = datasetIdsOf(checked);
    const s = this.#quoted;
    const row = [checked.runId, checked.kind, checked.createdAt, JSON.stringify(checked.parents), JSON.stringify(datasetIds), body];
    try {
      await this.#transaction(async (client) => {
        if (options.replace) {
          // The upsert locks the row, so two processes replacing one run take turns instead of colliding.
          await client.query(
            `INSERT INTO ${s}.manifests (run_id, kind, created_at, parents, dataset_ids, body) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (run_id) DO UPDATE SET kind = EXCLUDED.kind, created_at = EXCLUDED.created_at,
               parents = EXCLUDED.parents, dataset_ids = EXCLUDED.dataset_ids, body = EXCLUDED.body`,
            row,
          );
          await client.query(`DELETE FROM ${s}.manifest_parents WHERE run_id = $1`, [checked.runId]);
          await client.query(`DELETE FROM ${s}.manifest_datasets WHERE run_id = $1`, [checked.runId]);
        } else {
          await client.query(
            `INSERT INTO ${s}.manifests (run_id, kind, created_at, parents, dataset_ids, body) VALUES ($1, $2, $3, $4, $5, $6)`,
            row,
          );
        }
        if (checked.parents.length > 0) {
          await client.query(
            `INSERT INTO ${s}.manifest_parents (parent_id, run_id) SELECT DISTINCT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
            [checked.parents, checked.runId],
          );
        }
        if (datasetIds.length > 0) {
          await client.query(
            `INSERT INTO ${s}.manifest_datasets (dataset_id, run_id) SELECT DISTINCT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
            [datasetIds, checked.runId],
          );
        }
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw new CodexError('E_EXISTS', `run ${checked.runId} already has a manifest in ${this.label}`, {
          hint: 'each run writes its manifest once; start a new run instead',
          exitCode: ExitCode.input,
        });
      }
      throw this.#storeError(error, `write the manifest of run ${checked.runId} to`);
    }
  }

  async get(runId: string): Promise<Manifest | undefined> {
    let rows: {body: string}[];
    try {
      rows = (await this.#pool.query<{body: string}>(`SELECT body FROM ${this.#quoted}.manifests WHERE run_id = $1`, [runId])).rows;
    } catch (error) {
      throw this.#storeError(error, `read the manifest of run ${runId} from`);
    }
    const [row] = rows;
    if (row === undefined) return undefined;
    const where = `manifest of run ${runId} in ${this.label}`;
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
    const s = this.#quoted;
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const parameter = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (query.kind !== undefined) conditions.push(`kind = ${parameter(query.kind)}`);
    if (query.parent !== undefined) {
      conditions.push(`run_id IN (SELECT run_id FROM ${s}.manifest_parents WHERE parent_id = ${parameter(query.parent)})`);
    }
    if (query.datasetId !== undefined) {
      conditions.push(`run_id IN (SELECT run_id FROM ${s}.manifest_datasets WHERE dataset_id = ${parameter(query.datasetId)})`);
    }
    const sql =
      `SELECT run_id, kind, created_at, parents, dataset_ids FROM ${s}.manifests` +
      (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
      ` ORDER BY run_id ${query.newestFirst ? 'DESC' : 'ASC'}` +
      (query.limit === undefined ? '' : ` LIMIT ${parameter(query.limit)}`);
    try {
      const {rows} = await this.#pool.query<SummaryRow>(sql, parameters);
      return rows.map((row) => ({
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
      const result = await this.#pool.query(`DELETE FROM ${this.#quoted}.manifests WHERE run_id = $1`, [runId]);
      return (result.rowCount ?? 0) > 0;
    } catch (error) {
      throw this.#storeError(error, `delete the manifest of run ${runId} from`);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  get #quoted(): string {
    return `"${this.#schema}"`;
  }

  async #migrate(): Promise<void> {
    try {
      await this.#transaction(async (client) => {
        // One creator at a time per schema: concurrent CREATE ... IF NOT EXISTS can still collide in the catalog.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`codex-ml.manifest-store.${this.#schema}`]);
        const exists = await client.query<{found: string | null}>('SELECT to_regclass($1)::text AS found', [`"${this.#schema}".layout`]);
        const found =
          exists.rows[0]?.found == null ? {rows: []} : await client.query<{version: number}>(`SELECT version FROM ${this.#quoted}.layout`);
        const version = found.rows[0]?.version;
        if (version !== undefined && version > LAYOUT_VERSION) {
          throw new CodexError(
            'E_MANIFEST_STORE',
            `${this.label} has layout version ${version}; this plugin reads up to ${LAYOUT_VERSION}`,
            {
              hint: 'upgrade @codex-ml/plugin-postgres-store',
              exitCode: ExitCode.integrity,
            },
          );
        }
        if (version === LAYOUT_VERSION) return;
        await client.query(layoutSql(this.#schema));
      });
    } catch (error) {
      throw this.#storeError(error, 'open');
    }
  }

  async #transaction(body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await body(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** One line naming the server (password masked) and what failed; driver text is scrubbed of credentials. */
  #storeError(error: unknown, action: string): CodexError {
    if (isCodexError(error)) return error;
    const state = sqlState(error);
    const code = errnoCode(error);
    const text = this.#target.mask(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    // A refused connection to every address of a host is an AggregateError with an empty message.
    const detail = text !== '' ? text : (code ?? state ?? 'failed');
    const unreachable =
      code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || /timeout/i.test(detail);
    const denied = state === '28P01' || state === '28000' || state === '42501';
    const hint = unreachable
      ? 'start the server or fix the host and port in manifest.postgres.url (or PGHOST / PGPORT)'
      : denied
        ? 'check the user and password in manifest.postgres.url (or PGUSER / PGPASSWORD) and the grants on the schema'
        : state === '3D000'
          ? 'create the database (createdb) or name an existing one in manifest.postgres.url (or PGDATABASE)'
          : 'check manifest.postgres.url and the server log';
    return new CodexError('E_MANIFEST_STORE', `cannot ${action} ${this.label}: ${detail}`, {
      hint,
      exitCode: unreachable || denied || state === '3D000' ? ExitCode.config : ExitCode.failure,
      cause: error,
    });
  }
}

function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as {code?: unknown}).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
