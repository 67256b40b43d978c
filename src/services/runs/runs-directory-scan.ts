import {lstat, readFile, readdir} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join, resolve} from 'node:path';
import {type LockOwner, type ManifestSummary, errnoCode, fileError, isLive, isRunId, liveLeases, readOwner} from '@codex-ml/core';
import {type RunFailure, readRunFailure} from './failed-run.js';
import {RUN_MANIFEST_FILE} from './run-manifest-recorder.js';

/**
 * - `recorded`: its own `manifest.json` is there and reads as a manifest of this run.
 * - `unrecorded`: no manifest yet — being written, killed before it finished, or failed.
 * - `damaged`: `manifest.json` exists but cannot be read as this run's manifest.
 */
export type RunDirectoryState = 'recorded' | 'unrecorded' | 'damaged';

export interface ScannedRun {
  readonly runId: string;
  readonly path: string;
  readonly state: RunDirectoryState;
  /** The manifest's header, for a recorded run. */
  readonly summary?: ManifestSummary;
  /** Inputs an unrecorded training run declared in its config.snapshot before its first step. */
  readonly intendedParents: readonly string[];
  /** Why a damaged run cannot be read. */
  readonly problem?: string;
  /** For an unrecorded run: the failure its command recorded (see failed-run.ts). */
  readonly failure?: RunFailure;
  /** A live process holds the run's lock (writing it) or a lease on it (reading it). */
  readonly user?: LockOwner & {readonly as: 'writer' | 'reader'};
}

/** A run directory an interrupted `runs:gc` left under a hidden name. */
export interface SetAsideRun {
  readonly runId: string;
  readonly path: string;
  /** `aside`: gc had not decided yet, so it goes back; `doomed`: gc had decided, so it is finished off. */
  readonly stage: 'aside' | 'doomed';
  readonly owner: number;
}

export interface RunsDirectoryScan {
  readonly runsDir: string;
  readonly runs: readonly ScannedRun[];
  /** Entries named like runs that are not plain directories (symbolic links, files): never followed. */
  readonly foreign: readonly {readonly name: string; readonly what: string}[];
  readonly setAside: readonly SetAsideRun[];
  /** Hidden directories of run creations that were killed before the rename that publishes them. */
  readonly abandoned: readonly string[];
}

const SET_ASIDE = /^\.gc-(aside|doomed)-([0-9A-HJKMNP-TV-Z]{26})-(\d+)-[0-9a-f]{8}$/;
const STAGING = /^\.([0-9A-HJKMNP-TV-Z]{26})\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Hidden name a run directory takes while gc checks it (`aside`) or once gc has decided to remove it (`doomed`). */
export function setAsideName(stage: SetAsideRun['stage'], runId: string, token: string): string {
  return `.gc-${stage}-${runId}-${process.pid}-${token}`;
}

/**
 * Reads a runs directory as it is on disk: each run's own manifest, whatever any index says. Nothing is
 * followed out of the directory: an entry that is a symbolic link is reported, not read.
 */
export async function scanRunsDirectory(runsDir: string): Promise<RunsDirectoryScan> {
  const root = resolve(runsDir);
  let names: string[];
  try {
    names = (await readdir(root)).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {runsDir: root, runs: [], foreign: [], setAside: [], abandoned: []};
    throw fileError(root, error, 'list');
  }
  const runs: ScannedRun[] = [];
  const foreign: {name: string; what: string}[] = [];
  const setAside: SetAsideRun[] = [];
  const abandoned: string[] = [];
  for (const name of names) {
    const path = join(root, name);
    const aside = SET_ASIDE.exec(name);
    if (aside) {
      setAside.push({runId: aside[2] as string, path, stage: aside[1] as SetAsideRun['stage'], owner: Number(aside[3])});
      continue;
    }
    const staging = STAGING.exec(name);
    if (staging) {
      if (!(await isCreatorLive(path, Number(staging[2])))) abandoned.push(path);
      continue;
    }
    if (!isRunId(name)) continue;
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      foreign.push({name, what: info?.isSymbolicLink() ? 'a symbolic link' : 'not a directory'});
      continue;
    }
    runs.push(await scanRun(name, path));
  }
  return {runsDir: root, runs, foreign, setAside, abandoned};
}

/** One run directory: its manifest (or why there is none) and who uses it now. */
export async function scanRun(runId: string, path: string): Promise<ScannedRun> {
  const user = await currentUser(path);
  const manifestPath = join(path, RUN_MANIFEST_FILE);
  const info = await lstat(manifestPath).catch((error: unknown) => error);
  if (errnoCode(info) === 'ENOENT') {
    const failure = await readRunFailure(path);
    return {
      runId,
      path,
      state: 'unrecorded',
      intendedParents: await snapshotParents(path),
      ...(failure ? {failure} : {}),
      ...(user ? {user} : {}),
    };
  }
  const damaged = (problem: string): ScannedRun => ({runId, path, state: 'damaged', intendedParents: [], problem, ...(user ? {user} : {})});
  if (info instanceof Error || !(info as {isFile(): boolean}).isFile()) {
    return damaged(
      `${manifestPath} is ${info instanceof Error ? `unreadable (${errnoCode(info) ?? info.message})` : 'not a regular file'}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    return damaged(`${manifestPath} is not valid JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const summary = summaryOf(parsed, runId);
  if (typeof summary === 'string') return damaged(`${manifestPath}: ${summary}`);
  return {runId, path, state: 'recorded', summary, intendedParents: [], ...(user ? {user} : {})};
}

/** A live writer (the run lock) or reader (a lease) of the run, if any. */
async function currentUser(path: string): Promise<ScannedRun['user']> {
  const writer = await readOwner(join(path, '.lock'));
  if (writer && isLive(writer)) return {...writer, as: 'writer'};
  const [reader] = await liveLeases(path);
  return reader ? {...reader, as: 'reader'} : undefined;
}

/** A run being created: its lock's owner, or before the lock exists, the process named in the directory. */
async function isCreatorLive(path: string, pid: number): Promise<boolean> {
  const owner = await readOwner(join(path, '.lock'));
  return isLive(owner ?? {pid, host: hostname(), since: ''});
}

/** The header fields gc and listings need, or why the document is not a manifest of `runId`. */
function summaryOf(value: unknown, runId: string): ManifestSummary | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const manifest = value as Record<string, unknown>;
  if (manifest['runId'] !== runId) return `records run id ${JSON.stringify(manifest['runId'])}, not ${runId}`;
  const {kind, createdAt, parents} = manifest;
  if (typeof kind !== 'string' || kind === '') return 'kind is missing';
  if (typeof createdAt !== 'string') return 'createdAt is missing';
  if (!Array.isArray(parents) || !parents.every(isRunId)) return 'parents is not a list of run ids';
  const datasetIds = Array.isArray(manifest['datasetIds'])
    ? manifest['datasetIds'].filter((id): id is string => typeof id === 'string')
    : typeof manifest['datasetId'] === 'string'
      ? [manifest['datasetId']]
      : [];
  return {runId, kind, createdAt, parents: [...parents], datasetIds};
}

/** Parents a training run named in its `config.snapshot`, written before its first step. */
async function snapshotParents(path: string): Promise<string[]> {
  try {
    const snapshot = JSON.parse(await readFile(join(path, 'config.snapshot'), 'utf8')) as {parents?: Record<string, unknown>};
    return Object.values(snapshot.parents ?? {}).filter(isRunId);
  } catch {
    return [];
  }
}
