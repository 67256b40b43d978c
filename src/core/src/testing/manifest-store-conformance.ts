import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import type {Manifest, ManifestStore} from '../contracts/manifest-store.js';
import {isCodexError} from '../errors.js';
import type {BackendModule, BackendOptions} from '../registry.js';
import {newRunId, runIdTime} from '../run/run-id.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
  show,
} from './conformance-suite.js';
import {SeededRandom} from '../random/seeded-random.js';

export interface ManifestStoreConformanceOptions {
  /** Names the implementation in test titles and messages, e.g. `manifest-store sqlite`. */
  readonly name: string;
  /**
   * The backend as registered: module URL and export name of a `create(options)` factory. Child processes
   * load the store from there, as the CLI does, to write concurrently.
   */
  readonly backend: {readonly module: string; readonly export: string};
  /** Options that make `create` open the store kept in `directory` (a fresh, empty temp directory per check). */
  readonly options: (directory: string) => BackendOptions;
  /**
   * Damages the stored form of one run's manifest the way a torn write, a bad edit or a disk fault would
   * (truncated JSON, say), so the suite can check that `get` reports it as `E_MANIFEST` naming the run.
   */
  readonly corrupt: (directory: string, runId: string) => Promise<void>;
  /** Writer processes putting at once; default 2. */
  readonly writerProcesses?: number;
  /** Manifests each writer process puts; default 200. */
  readonly writesPerProcess?: number;
  /** Seed of shuffles and payloads; a failure reproduces from it. */
  readonly seed?: number;
}

export const MANIFEST_STORE_INVARIANTS = {
  roundTrip: 'get(put(m)) deep-equals m',
  unknown: 'unknown run: get is undefined, delete is false',
  exists: 'put of an existing run fails with E_EXISTS unless replace',
  replace: 'replace swaps the whole manifest and its summary',
  delete: 'delete removes the manifest and its summary',
  ordering: 'list is ordered by run id; newestFirst and limit',
  filters: 'list filters by kind, parent and dataset id',
  persistence: 'manifests survive close and reopen; close is idempotent',
  concurrentCalls: 'concurrent puts in one process lose nothing',
  concurrentProcesses: 'concurrent writer processes lose nothing',
  atomic: 'readers never see a partial manifest, even when the writer is killed',
  corrupt: 'a corrupt entry fails get with E_MANIFEST naming the run',
} as const;

type Open = (directory: string) => Promise<ManifestStore>;

/** The invariants of the `ManifestStore` contract, for `registerInvariants` or `runInvariants`. */
export function manifestStoreInvariants(options: ManifestStoreConformanceOptions): Invariant[] {
  const seed = options.seed ?? 20_240_601;
  const writes = options.writesPerProcess ?? 200;
  const writerTags = Array.from({length: Math.max(2, options.writerProcesses ?? 2)}, (_, index) => String.fromCharCode(97 + index));
  const open: Open = async (directory) => {
    const module = (await import(options.backend.module)) as Record<string, Partial<BackendModule<ManifestStore>> | undefined>;
    const factory = module[options.backend.export];
    ensure(typeof factory?.create === 'function', 'backend', `${options.backend.export} in ${options.backend.module} has no create()`);
    return await factory.create(options.options(directory));
  };
  const withStore = (check: (store: ManifestStore, directory: string) => Promise<void>) => () =>
    inTempDirectory(async (directory) => {
      const store = await open(directory);
      try {
        await check(store, directory);
      } finally {
        await store.close();
      }
    });
  const I = MANIFEST_STORE_INVARIANTS;

  return [
    {
      name: I.roundTrip,
      check: withStore(async (store) => {
        const manifest = sampleManifest(newRunId(), {kind: 'data', datasetId: 'brown'});
        await store.put(manifest);
        const back = await store.get(manifest.runId);
        ensure(isDeepStrictEqual(back, manifest), I.roundTrip, `got ${show(JSON.stringify(back), 200)}`);
        const [summary] = await store.list();
        ensure(summary !== undefined, I.roundTrip, 'list is empty after put');
        const expected = {
          runId: manifest.runId,
          kind: 'data',
          createdAt: manifest.createdAt,
          parents: manifest.parents,
          datasetIds: ['brown'],
        };
        ensure(isDeepStrictEqual({...summary}, expected), I.roundTrip, `summary ${show(JSON.stringify(summary), 200)}`);
      }),
    },
    {
      name: I.unknown,
      check: withStore(async (store) => {
        const runId = newRunId();
        ensure((await store.get(runId)) === undefined, I.unknown, 'get of a never-stored run is not undefined');
        ensure((await store.delete(runId)) === false, I.unknown, 'delete of a never-stored run did not resolve false');
        ensure((await store.list()).length === 0, I.unknown, 'a fresh store lists manifests');
      }),
    },
    {
      name: I.exists,
      check: withStore(async (store) => {
        const first = sampleManifest(newRunId(), {kind: 'data'});
        await store.put(first);
        const error = await store.put({...first, note: 'second'}).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        ensure(error !== undefined, I.exists, 'a second put of the same run id succeeded');
        ensure(isCodexError(error) && error.code === 'E_EXISTS', I.exists, `rejected with ${describe(error)}, not E_EXISTS`);
        ensure(error.message.includes(first.runId), I.exists, `the message does not name the run: ${error.message}`);
        ensure(isDeepStrictEqual(await store.get(first.runId), first), I.exists, 'the refused put changed the stored manifest');
        ensure((await store.list()).length === 1, I.exists, 'the refused put added a listing');
      }),
    },
    {
      name: I.replace,
      check: withStore(async (store) => {
        const parent = newRunId();
        const runId = newRunId();
        await store.put(sampleManifest(runId, {kind: 'data', datasetId: 'old', parents: [parent]}));
        const replacement = sampleManifest(runId, {kind: 'tokenizer', datasetIds: ['new-a', 'new-b'], parents: []});
        await store.put(replacement, {replace: true});
        ensure(isDeepStrictEqual(await store.get(runId), replacement), I.replace, 'get returns the old manifest');
        ensure((await store.list()).length === 1, I.replace, 'replace added a second listing');
        ensure((await store.list({kind: 'data'})).length === 0, I.replace, 'the old kind still matches');
        ensure((await store.list({datasetId: 'old'})).length === 0, I.replace, 'the old dataset id still matches');
        ensure((await store.list({parent})).length === 0, I.replace, 'the old parent still matches');
        ensure((await store.list({datasetId: 'new-b'})).length === 1, I.replace, 'the new dataset id does not match');
        const fresh = sampleManifest(newRunId(), {kind: 'data'});
        await store.put(fresh, {replace: true});
        ensure(isDeepStrictEqual(await store.get(fresh.runId), fresh), I.replace, 'put with replace of a new run did not store it');
      }),
    },
    {
      name: I.delete,
      check: withStore(async (store) => {
        const parent = sampleManifest(newRunId(), {kind: 'data', datasetId: 'd'});
        const child = sampleManifest(newRunId(), {kind: 'tokenizer', parents: [parent.runId], datasetId: 'd'});
        await store.put(parent);
        await store.put(child);
        ensure((await store.delete(child.runId)) === true, I.delete, 'delete of a stored run did not resolve true');
        ensure((await store.get(child.runId)) === undefined, I.delete, 'get finds a deleted run');
        ensure((await store.delete(child.runId)) === false, I.delete, 'a second delete did not resolve false');
        const listed = await store.list();
        ensure(listed.length === 1 && listed[0]?.runId === parent.runId, I.delete, `list after delete: ${ids(listed)}`);
        ensure((await store.list({parent: parent.runId})).length === 0, I.delete, 'the deleted child is still found by parent');
        await store.put(child);
        ensure(isDeepStrictEqual(await store.get(child.runId), child), I.delete, 'a deleted run id cannot be stored again');
      }),
    },
    {
      name: I.ordering,
      check: withStore(async (store) => {
        const runIds = Array.from({length: 24}, () => newRunId());
        for (const runId of new SeededRandom(seed).shuffle(runIds)) await store.put(sampleManifest(runId, {kind: 'data'}));
        const sorted = [...runIds].sort();
        const listed = (await store.list()).map((summary) => summary.runId);
        ensure(isDeepStrictEqual(listed, sorted), I.ordering, `list is not in run id order: ${show(listed.join(','), 120)}`);
        const newest = (await store.list({newestFirst: true})).map((summary) => summary.runId);
        ensure(isDeepStrictEqual(newest, [...sorted].reverse()), I.ordering, 'newestFirst is not the reverse run id order');
        const limited = (await store.list({limit: 5, newestFirst: true})).map((summary) => summary.runId);
        ensure(isDeepStrictEqual(limited, [...sorted].reverse().slice(0, 5)), I.ordering, `limit 5, newestFirst: ${limited.join(',')}`);
        const oldest = (await store.list({limit: 3})).map((summary) => summary.runId);
        ensure(isDeepStrictEqual(oldest, sorted.slice(0, 3)), I.ordering, `limit 3: ${oldest.join(',')}`);
      }),
    },
    {
      name: I.filters,
      check: withStore(async (store) => {
        const data = sampleManifest(newRunId(), {kind: 'data', datasetId: 'brown'});
        const otherData = sampleManifest(newRunId(), {kind: 'data', datasetId: 'news'});
        const tokenizer = sampleManifest(newRunId(), {kind: 'tokenizer', parents: [data.runId], datasetIds: ['brown']});
        const training = sampleManifest(newRunId(), {
          kind: 'training',
          parents: [tokenizer.runId, data.runId],
          datasetIds: ['brown', 'news'],
        });
        for (const manifest of [training, data, tokenizer, otherData]) await store.put(manifest);
        const expect = async (query: Parameters<ManifestStore['list']>[0], wanted: readonly Manifest[]) => {
          const got = (await store.list(query)).map((summary) => summary.runId);
          const want = wanted.map((manifest) => manifest.runId).sort();
          ensure(isDeepStrictEqual(got, want), I.filters, `list(${JSON.stringify(query)}) gave [${got}], expected [${want}]`);
        };
        await expect({kind: 'data'}, [data, otherData]);
        await expect({kind: 'missing'}, []);
        await expect({parent: data.runId}, [tokenizer, training]);
        await expect({parent: tokenizer.runId}, [training]);
        await expect({datasetId: 'brown'}, [data, tokenizer, training]);
        await expect({datasetId: 'news'}, [otherData, training]);
        await expect({kind: 'training', datasetId: 'news'}, [training]);
        await expect({kind: 'tokenizer', parent: data.runId, datasetId: 'brown'}, [tokenizer]);
        await expect({kind: 'data', parent: data.runId}, []);
        const [summary] = await store.list({kind: 'training'});
        ensure(
          isDeepStrictEqual([...(summary?.parents ?? [])], [tokenizer.runId, data.runId]),
          I.filters,
          `summary parents keep the manifest's order: ${show(JSON.stringify(summary?.parents))}`,
        );
        ensure(
          isDeepStrictEqual([...(summary?.datasetIds ?? [])].sort(), ['brown', 'news']),
          I.filters,
          `summary dataset ids: ${show(JSON.stringify(summary?.datasetIds))}`,
        );
      }),
    },
    {
      name: I.persistence,
      check: () =>
        inTempDirectory(async (directory) => {
          const manifests = Array.from({length: 5}, (_, index) => sampleManifest(newRunId(), {kind: index % 2 ? 'data' : 'training'}));
          const first = await open(directory);
          for (const manifest of manifests) await first.put(manifest);
          await first.close();
          await first.close();
          const second = await open(directory);
          try {
            for (const manifest of manifests) {
              ensure(isDeepStrictEqual(await second.get(manifest.runId), manifest), I.persistence, `${manifest.runId} lost on reopen`);
            }
            ensure((await second.list()).length === manifests.length, I.persistence, 'listing changed on reopen');
          } finally {
            await second.close();
          }
        }),
    },
    {
      name: I.concurrentCalls,
      check: withStore(async (store) => {
        const manifests = Array.from({length: 50}, () => sampleManifest(newRunId(), {kind: 'data'}));
        await Promise.all(manifests.map((manifest) => store.put(manifest)));
        const listed = await store.list();
        ensure(listed.length === manifests.length, I.concurrentCalls, `${manifests.length} puts, ${listed.length} listed`);
      }),
    },
    {
      name: I.concurrentProcesses,
      check: () =>
        inTempDirectory(async (directory) => {
          // Create the store first so both writers open an existing one (creation itself is not what is tested).
          await (await open(directory)).close();
          const spec = {backend: options.backend, options: options.options(directory)};
          const writers = writerTags.map((tag) => startWriter({...spec, mode: 'append', count: writes, tag}));
          const outcomes = await Promise.all(writers.map((writer) => writer.exit));
          for (const [index, outcome] of outcomes.entries()) {
            ensure(outcome.code === 0, I.concurrentProcesses, `writer ${index} exited ${outcome.code}: ${show(outcome.stderr, 300)}`);
          }
          const store = await open(directory);
          try {
            const listed = await store.list();
            const total = writerTags.length * writes;
            ensure(
              listed.length === total,
              I.concurrentProcesses,
              `${total} puts from ${writerTags.length} processes, ${listed.length} listed`,
            );
            const runIds = listed.map((summary) => summary.runId);
            ensure(isDeepStrictEqual(runIds, [...runIds].sort()), I.concurrentProcesses, 'the listing is not in run id order');
            const byWriter = new Map<string, number>();
            for (const summary of listed) {
              const manifest = await store.get(summary.runId);
              const tag = String(manifest?.['writer']);
              byWriter.set(tag, (byWriter.get(tag) ?? 0) + 1);
            }
            ensure(
              writerTags.every((tag) => byWriter.get(tag) === writes),
              I.concurrentProcesses,
              `per writer: ${show([...byWriter])}`,
            );
          } finally {
            await store.close();
          }
        }),
    },
    {
      name: I.atomic,
      check: () =>
        inTempDirectory(async (directory) => {
          await (await open(directory)).close();
          const runId = newRunId();
          const writer = startWriter({backend: options.backend, options: options.options(directory), mode: 'churn', count: 0, tag: runId});
          const store = await open(directory);
          try {
            await writer.ready;
            // Read while the writer replaces the manifest as fast as it can, then kill it mid-stream.
            const deadline = Date.now() + 400;
            let reads = 0;
            while (Date.now() < deadline) {
              assertWhole(await store.get(runId), runId);
              reads++;
            }
            writer.child.kill('SIGKILL');
            await writer.exit;
            ensure(reads > 0, I.atomic, 'no read completed');
          } finally {
            writer.child.kill('SIGKILL');
            await store.close();
          }
          const reopened = await open(directory);
          try {
            assertWhole(await reopened.get(runId), runId);
            const listed = await reopened.list();
            ensure(listed.length === 1 && listed[0]?.runId === runId, I.atomic, `after the kill, list gave ${ids(listed)}`);
            await reopened.put({...sampleManifest(newRunId(), {kind: 'data'})});
            ensure((await reopened.list()).length === 2, I.atomic, 'the store does not accept writes after a killed writer');
          } finally {
            await reopened.close();
          }
        }),
    },
    {
      name: I.corrupt,
      check: () =>
        inTempDirectory(async (directory) => {
          const healthy = sampleManifest(newRunId(), {kind: 'data'});
          const damaged = sampleManifest(newRunId(), {kind: 'data'});
          const first = await open(directory);
          await first.put(healthy);
          await first.put(damaged);
          await first.close();
          await options.corrupt(directory, damaged.runId);
          const store = await open(directory);
          try {
            const error = await store.get(damaged.runId).then(
              () => undefined,
              (thrown: unknown) => thrown,
            );
            ensure(error !== undefined, I.corrupt, 'get of a corrupt manifest resolved');
            ensure(isCodexError(error) && error.code === 'E_MANIFEST', I.corrupt, `rejected with ${describe(error)}, not E_MANIFEST`);
            ensure(error.message.includes(damaged.runId), I.corrupt, `the message does not name the run: ${error.message}`);
            ensure(!error.message.includes('\n'), I.corrupt, 'the message is more than one line');
            ensure(isDeepStrictEqual(await store.get(healthy.runId), healthy), I.corrupt, 'a corrupt entry broke get of another run');
          } finally {
            await store.close();
          }
        }),
    },
  ];
}

/**
 * Registers one test per `ManifestStore` invariant. Core does not depend on a test runner: pass ava's `test`
 * (or anything with its `(title, implementation)` shape).
 *
 * ```ts
 * import test from 'ava';
 * import {manifestStoreConformance} from '@codex-ml/core/testing';
 * manifestStoreConformance(test, {
 *   name: 'manifest-store sqlite',
 *   backend: {module: new URL('../src/sqlite-manifest-store.js', import.meta.url).href, export: 'SqliteManifestStore'},
 *   options: (directory) => ({path: join(directory, 'manifests.sqlite')}),
 *   corrupt: async (directory, runId) => { ... },
 * });
 * ```
 */
export function manifestStoreConformance(test: ConformanceTest, options: ManifestStoreConformanceOptions): void {
  registerInvariants(test, options.name, manifestStoreInvariants(options));
}

/** Runs every invariant without a test runner and returns the results (scripts, self-tests). */
export async function checkManifestStore(options: ManifestStoreConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, manifestStoreInvariants(options));
}

interface SampleFields {
  readonly kind: string;
  readonly parents?: readonly string[];
  readonly datasetId?: string;
  readonly datasetIds?: readonly string[];
}

/** A manifest exercising what JSON storage gets wrong: Unicode, nesting, nulls, floats, empty containers. */
function sampleManifest(runId: string, fields: SampleFields): Manifest {
  return {
    schemaVersion: 1,
    kind: fields.kind,
    runId,
    parents: [...(fields.parents ?? [])],
    createdAt: runIdTime(runId).toISOString(),
    ...(fields.datasetId === undefined ? {} : {datasetId: fields.datasetId}),
    ...(fields.datasetIds === undefined ? {} : {datasetIds: [...fields.datasetIds]}),
    seed: 42,
    config: {hasher: 'blake3', nested: {ratios: [0.8, 0.1, 0.1], empty: {}, none: [], nothing: null}},
    text: 'naïve café — 東京 🎉 "quoted" \\ back\nslash',
    numbers: [0, -1.5, 1e-9, 2 ** 53 - 1],
    artifacts: [{path: 'split/train.jsonl', checksum: `blake3:${'ab'.repeat(32)}`, bytes: 1234}],
  };
}

function assertWhole(manifest: Manifest | undefined, runId: string): void {
  ensure(manifest !== undefined, MANIFEST_STORE_INVARIANTS.atomic, `${runId} vanished while being replaced`);
  const payload = manifest['payload'];
  ensure(
    typeof payload === 'string' && payload.length === manifest['payloadLength'],
    MANIFEST_STORE_INVARIANTS.atomic,
    `a read saw a manifest whose payload length ${typeof payload === 'string' ? payload.length : typeof payload} is not ${String(manifest['payloadLength'])}`,
  );
}

async function inTempDirectory(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'codex-manifest-store-'));
  try {
    await body(directory);
  } finally {
    await rm(directory, {recursive: true, force: true});
  }
}

function ids(summaries: readonly {runId: string}[]): string {
  return `[${summaries.map((summary) => summary.runId).join(',')}]`;
}

function describe(error: unknown): string {
  if (isCodexError(error)) return `${error.code} (${error.message})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a writer process does: `append` puts `count` new manifests; `churn` replaces one run forever. */
interface WriterSpec {
  readonly backend: {readonly module: string; readonly export: string};
  readonly options: BackendOptions;
  readonly mode: 'append' | 'churn';
  readonly count: number;
  /** `append`: stored in each manifest's `writer` field; `churn`: the run id to replace. */
  readonly tag: string;
}

interface Writer {
  readonly child: ChildProcess;
  /** Resolves once the writer has stored its first manifest. */
  readonly ready: Promise<void>;
  readonly exit: Promise<{code: number | null; stderr: string}>;
}

/**
 * A separate Node process that loads the store from its module, like another CLI invocation would. Its
 * program is `writerProgram` below, passed inline so the suite needs no extra file.
 */
function startWriter(spec: WriterSpec): Writer {
  const core = new URL('../index.js', import.meta.url).href;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', writerProgram(core), JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`writer exited ${code} before its first put: ${stderr.split('\n')[0]}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise<{code: number | null; stderr: string}>((resolve) => {
    child.once('close', (code) => resolve({code, stderr}));
  });
  return {child, ready, exit};
}

function writerProgram(coreUrl: string): string {
  return `
    import {newRunId, runIdTime} from ${JSON.stringify(coreUrl)};
    const spec = JSON.parse(process.argv[1]);
    const module = await import(spec.backend.module);
    const store = await module[spec.backend.export].create(spec.options);
    const header = (runId) => ({schemaVersion: 1, kind: 'conformance', runId, parents: [], createdAt: runIdTime(runId).toISOString()});
    if (spec.mode === 'append') {
      for (let index = 0; index < spec.count; index++) {
        await store.put({...header(newRunId()), writer: spec.tag, index});
        if (index === 0) process.stdout.write('ready\\n');
      }
      await store.close();
    } else {
      // Alternate a large and a small payload so a torn write would show as a length mismatch or bad JSON.
      for (let version = 0; ; version++) {
        const payload = (version % 2 ? 'x' : 'y').repeat(version % 2 ? 300000 : 1000 + version);
        await store.put({...header(spec.tag), version, payload, payloadLength: payload.length}, {replace: true});
        if (version === 0) process.stdout.write('ready\\n');
      }
    }
  `;
}
