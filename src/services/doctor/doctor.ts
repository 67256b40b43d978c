import {execFile} from 'node:child_process';
import {accessSync, constants, existsSync, readFileSync, realpathSync, statSync} from 'node:fs';
import {statfs} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {delimiter, dirname, join, resolve} from 'node:path';
import {promisify} from 'node:util';
import {type PluginProblem, type RegisteredBackend, loadBackend, nodeEngineProblem} from '@codex-ml/core';

/** One thing `codex doctor` checked: what it found, and how to fix it when it is not ok. */
export interface Finding {
  readonly check: 'node' | 'npm' | 'backend' | 'package' | 'plugin' | 'path' | 'disk';
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  /** The command or change that fixes it; null when nothing needs fixing. */
  readonly fix: string | null;
}

export interface DoctorReport {
  readonly findings: readonly Finding[];
  /** No finding failed (warnings allowed). */
  readonly ok: boolean;
}

/** A plugin as oclif loaded it. */
export interface InstalledPlugin {
  readonly name: string;
  readonly root: string;
  /** `core` (bundled), `user` (plugins:install), `link` (plugins:link), `dev`. */
  readonly type: string;
}

export interface DoctorInputs {
  /** The CLI's own package.json and where it is installed. */
  readonly host: {readonly root: string; readonly pjson: Readonly<Record<string, unknown>>; readonly bin: string};
  readonly plugins: readonly InstalledPlugin[];
  readonly hashers: readonly RegisteredBackend[];
  readonly problems: readonly PluginProblem[];
  /** The `@codex-ml/core` directory the host runs. */
  readonly core: string;
  readonly runsDir: string;
  readonly path: string;
}

/** Below this much free space in the runs directory a training run may not finish its checkpoints. */
const LOW_DISK_BYTES = 2e9;

/**
 * Checks what makes codex fail in ways its commands cannot explain: the Node and npm it runs on, which native
 * and optional packages load, plugins that cannot register or carry their own core, another `codex` earlier on
 * PATH, and free disk where runs go. Each finding is one line with its fix.
 */
export async function diagnose(inputs: DoctorInputs): Promise<DoctorReport> {
  const findings: Finding[] = [
    nodeFinding(inputs.host.pjson),
    await npmFinding(inputs.host.pjson),
    ...(await hasherFindings(inputs.hashers)),
    ...inputs.plugins.flatMap((plugin) => packageFindings(plugin)),
    ...pluginFindings(inputs),
    pathFinding(inputs.host.bin, inputs.path),
    await diskFinding(inputs.runsDir),
  ];
  return {findings, ok: findings.every((finding) => finding.status !== 'fail')};
}

function nodeFinding(pjson: Readonly<Record<string, unknown>>): Finding {
  const range = (pjson['engines'] as {node?: string} | undefined)?.node ?? '*';
  const problem = nodeEngineProblem(pjson);
  return problem === undefined
    ? {check: 'node', status: 'ok', message: `Node ${process.version} satisfies engines.node ${range}`, fix: null}
    : {check: 'node', status: 'fail', message: `codex ${problem}`, fix: `install Node ${range} (nvm install 20, or your package manager)`};
}

async function npmFinding(pjson: Readonly<Record<string, unknown>>): Promise<Finding> {
  const range = (pjson['engines'] as {npm?: string} | undefined)?.npm;
  let version: string;
  try {
    version = (await promisify(execFile)('npm', ['--version'], {timeout: 20_000})).stdout.trim();
  } catch {
    return {
      check: 'npm',
      status: 'warn',
      message: 'npm is not on PATH: plugins:install and plugins:new need it',
      fix: 'install npm with Node',
    };
  }
  if (range === undefined) return {check: 'npm', status: 'ok', message: `npm ${version}`, fix: null};
  const problem = nodeEngineProblem({engines: {node: range}}, version);
  return problem === undefined
    ? {check: 'npm', status: 'ok', message: `npm ${version} satisfies engines.npm ${range}`, fix: null}
    : {check: 'npm', status: 'warn', message: `npm ${version} is outside engines.npm ${range}`, fix: `npm install -g npm@'${range}'`};
}

/** Each hasher is created (they are small): which implementation runs, or why it cannot here. */
async function hasherFindings(hashers: readonly RegisteredBackend[]): Promise<Finding[]> {
  return await Promise.all(
    hashers.map(async (backend): Promise<Finding> => {
      try {
        const hasher = (await loadBackend(backend)) as {implementation?: string};
        const runs = hasher.implementation ? `: ${hasher.implementation}` : '';
        return {check: 'backend', status: 'ok', message: `hasher ${backend.name} loads${runs}`, fix: null};
      } catch (error) {
        const hint = (error as {hint?: string}).hint;
        return {
          check: 'backend',
          status: 'warn',
          message: `hasher ${backend.name} does not load: ${firstLine(error)}`,
          fix: hint ?? `reinstall ${backend.plugin}`,
        };
      }
    }),
  );
}

/**
 * A plugin's optional dependencies and optional peers (native addons, the tfjs-node backends): which load from
 * its directory, and which are missing; a missing required dependency is a failure.
 */
function packageFindings(plugin: InstalledPlugin): Finding[] {
  const pjson = readJson(join(plugin.root, 'package.json'));
  if (pjson === undefined) return [];
  const optionalPeers = Object.entries((pjson['peerDependenciesMeta'] as Record<string, {optional?: boolean}> | undefined) ?? {})
    .filter(([, meta]) => meta.optional === true)
    .map(([name]) => name);
  const optional = [...Object.keys((pjson['optionalDependencies'] as Record<string, string> | undefined) ?? {}), ...optionalPeers];
  const required = Object.keys((pjson['dependencies'] as Record<string, string> | undefined) ?? {});
  const require = createRequire(join(plugin.root, 'package.json'));
  const findings: Finding[] = [];
  for (const name of required) {
    if (resolvable(require, name)) continue;
    findings.push({
      check: 'package',
      status: 'fail',
      message: `${plugin.name} needs ${name}, which is not installed`,
      fix: plugin.type === 'core' ? `npm ci (in ${dirname(plugin.root)})` : `codex plugins:install ${plugin.name}`,
    });
  }
  for (const name of optional) {
    const problem = loadProblem(require, name);
    findings.push(
      problem === undefined
        ? {check: 'package', status: 'ok', message: `${name} loads (optional, for ${plugin.name})`, fix: null}
        : {
            check: 'package',
            status: 'warn',
            message: `${name} (optional, for ${plugin.name}) ${problem}; what it adds is unavailable`,
            fix: `npm install ${name} (in ${plugin.root})`,
          },
    );
  }
  return findings;
}

function pluginFindings(inputs: DoctorInputs): Finding[] {
  const findings: Finding[] = [];
  for (const problem of inputs.problems) {
    const plugin = inputs.plugins.find((candidate) => candidate.name === problem.plugin);
    const removable = plugin !== undefined && plugin.type !== 'core';
    findings.push({
      check: 'plugin',
      status: 'fail',
      message: `plugin ${problem.plugin}: ${problem.message}`,
      fix: removable ? `codex plugins:uninstall ${problem.plugin}` : 'reinstall codex (npm ci in its directory)',
    });
  }
  const host = realpath(inputs.core);
  for (const plugin of inputs.plugins.filter((candidate) => candidate.type !== 'core')) {
    const own = join(plugin.root, 'node_modules', '@codex-ml', 'core');
    if (!existsSync(own) || realpath(own) === host) continue;
    const version = (readJson(join(own, 'package.json'))?.['version'] as string | undefined) ?? 'unknown';
    findings.push({
      check: 'plugin',
      status: 'warn',
      message: `plugin ${plugin.name} carries its own @codex-ml/core ${version} besides the one codex runs (${host}): two copies of the SDK`,
      fix: `make @codex-ml/core a peer dependency of ${plugin.name} and reinstall it (codex plugins:install)`,
    });
  }
  if (findings.length === 0)
    findings.push({check: 'plugin', status: 'ok', message: `${inputs.plugins.length} plugins load and register`, fix: null});
  return findings;
}

/** The first `codex` on PATH should be this one; another earlier one runs instead when people type codex. */
function pathFinding(bin: string, path: string): Finding {
  const ours = realpath(bin);
  for (const directory of path.split(delimiter).filter((part) => part !== '')) {
    const candidate = join(directory, 'codex');
    if (!isExecutable(candidate)) continue;
    const found = realpath(candidate);
    if (found === ours || sameInstall(candidate, ours)) {
      return {check: 'path', status: 'ok', message: `codex on PATH is this one (${candidate})`, fix: null};
    }
    return {
      check: 'path',
      status: 'warn',
      message: `${candidate} comes first on PATH and is another codex (${found}); this one is ${ours}`,
      fix: `remove it, or put ${dirname(bin)} before ${directory} in PATH`,
    };
  }
  return {
    check: 'path',
    status: 'warn',
    message: `codex is not on PATH (this one is ${ours})`,
    fix: `npm link in ${resolve(dirname(bin), '..')}, or npm install -g codex-ml`,
  };
}

async function diskFinding(runsDir: string): Promise<Finding> {
  let directory = resolve(runsDir);
  while (!existsSync(directory) && dirname(directory) !== directory) directory = dirname(directory);
  try {
    const stats = await statfs(directory);
    const free = stats.bavail * stats.bsize;
    const gigabytes = (free / 1e9).toFixed(1);
    return free < LOW_DISK_BYTES
      ? {
          check: 'disk',
          status: 'warn',
          message: `${gigabytes} GB free for runs (${runsDir}): checkpoints may not fit`,
          fix: 'free space there, or set runs.dir to a larger disk (codex.yaml or --set runs.dir=…)',
        }
      : {check: 'disk', status: 'ok', message: `${gigabytes} GB free for runs (${runsDir})`, fix: null};
  } catch (error) {
    return {check: 'disk', status: 'warn', message: `cannot read free space of ${directory}: ${firstLine(error)}`, fix: 'check runs.dir'};
  }
}

/** npm's `.bin/codex` shims and symlinks lead to the same bin/run.js; a `codex` shell wrapper may too. */
function sameInstall(candidate: string, ours: string): boolean {
  try {
    return statSync(candidate).size < 4096 && readText(candidate).includes(ours);
  } catch {
    return false;
  }
}

function loadProblem(require: NodeRequire, name: string): string | undefined {
  if (!resolvable(require, name)) return 'is not installed';
  try {
    require(name);
    return undefined;
  } catch (error) {
    // An ES module cannot be required here, which says nothing about whether it works.
    if ((error as {code?: string}).code === 'ERR_REQUIRE_ESM') return undefined;
    return `does not load: ${firstLine(error)}`;
  }
}

function resolvable(require: NodeRequire, name: string): boolean {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    try {
      require.resolve(name);
      return true;
    } catch {
      return false;
    }
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readText(path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
