import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, isAbsolute, resolve} from 'node:path';
import convict from 'convict';
import type * as Yaml from 'yaml';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';
import {closestMatch} from './closest-match.js';
import {ConfigSchema} from './config-schema.js';
import {maskCredentials} from './mask-credentials.js';
import {type ConfigSource, describeSource} from './config-source.js';
import {envVariableFor} from './env-variable.js';
import {configSchema} from './schema.js';
import type {SchemaLeaf, SchemaNode} from './schema-node.js';

/**
 * A YAML file of config values. `defaults`: shipped with the package (a command's configs/…); `project`: the
 * `codex.yaml` found by walking up from the working directory; `config`: named with `--config`.
 */
export interface ConfigFile {
  readonly path: string;
  readonly role: 'defaults' | 'project' | 'config';
}

export interface ConfigInputs {
  /** YAML file (`--config`); optional. Shorthand for one `files` entry of role `config`, layered after `files`. */
  readonly file?: string;
  /** YAML files layered in order, a later one winning: the command's packaged defaults, then the project's. */
  readonly files?: readonly ConfigFile[];
  /**
   * Directory that relative paths in defaults (schema and packaged files) are relative to: the project root
   * when a `codex.yaml` was found. Relative paths in a project or `--config` file are relative to that file's
   * directory; in `CODEX_*` variables and `--set`, to the working directory. Default: the working directory.
   */
  readonly baseDir?: string;
  /** Usually `process.env`; only `CODEX_*` variables that name a key are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set key=value` pairs, in order (a later one wins). */
  readonly sets?: readonly string[];
  /**
   * Schema to resolve against: core's keys plus what plugins contribute (`Registry.schema`). Default: core's
   * keys only; a plain tree is taken as core keys.
   */
  readonly schema?: ConfigSchema | Record<string, SchemaNode>;
}

/** The resolved configuration, with where each value came from. */
export class ResolvedConfig {
  constructor(
    readonly values: Readonly<Record<string, unknown>>,
    readonly sources: ReadonlyMap<string, ConfigSource>,
    readonly files: readonly ConfigFile[] = [],
    readonly schema: ConfigSchema = new ConfigSchema(),
    /** Problems worth a warning that do not stop anything: a `CODEX_*` variable that names no key, say. */
    readonly warnings: readonly string[] = [],
  ) {}

  /** The file the user's values come from (the project's or `--config`'s, the last one), if any. */
  get file(): string | undefined {
    return this.files.filter((file) => file.role !== 'defaults').at(-1)?.path;
  }

  /** Keys whose schema marks them `sensitive` (credentials): shown and recorded only masked. */
  get sensitiveKeys(): ReadonlySet<string> {
    return new Set([...this.schema.leaves].filter(([, leaf]) => leaf.sensitive === true).map(([key]) => key));
  }

  /**
   * The values safe to print or record in a manifest: every sensitive key masked (a URL keeps all but its
   * password). Use this, not `values`, for anything a person or a file will see.
   */
  printableValues(): Record<string, unknown> {
    const copy = structuredClone(this.values) as Record<string, unknown>;
    for (const key of this.sensitiveKeys) {
      const parts = key.split('.');
      const last = parts.pop() as string;
      const parent = parts.reduce<unknown>((node, part) => (isRecord(node) ? node[part] : undefined), copy);
      if (isRecord(parent) && last in parent) parent[last] = maskCredentials(parent[last], true);
    }
    return copy;
  }

  /** Value of a dotted key (a leaf or a whole section); throws for keys the schema does not declare. */
  get<T = unknown>(key: string): T {
    const value = key.split('.').reduce<unknown>((node, part) => (isRecord(node) ? node[part] : undefined), this.values);
    if (value === undefined && !this.sources.has(key)) {
      throw new CodexError('E_CONFIG', `config key "${key}" is not declared in the schema`, {exitCode: ExitCode.config});
    }
    return value as T;
  }

  /** Where a key's value came from, described for humans (`default`, a file path, `env CODEX_…`, `--set`). */
  sourceOf(key: string): string {
    return describeSource(this.sources.get(key) ?? {kind: 'default'});
  }

  /** The keys below `prefix` as a nested object (`{}` when none are declared), e.g. a backend's config block. */
  section(prefix: string): Record<string, unknown> {
    const value = prefix.split('.').reduce<unknown>((node, part) => (isRecord(node) ? node[part] : undefined), this.values);
    return isRecord(value) && [...this.sources.keys()].some((key) => key.startsWith(`${prefix}.`)) ? structuredClone(value) : {};
  }
}

/**
 * Resolves config with precedence schema defaults < YAML file < `CODEX_*` environment < `--set`. Every
 * failure is one line naming the file or variable, the key and the allowed values.
 */
export function resolveConfig(inputs: ConfigInputs = {}): ResolvedConfig {
  const schema = inputs.schema instanceof ConfigSchema ? inputs.schema : new ConfigSchema(inputs.schema ?? configSchema);
  const leaves = schema.leaves;
  const sources = new Map<string, ConfigSource>();
  for (const key of leaves.keys()) sources.set(key, {kind: 'default'});

  // convict reads env and argv itself unless told otherwise; we layer them explicitly to control precedence.
  const config = convict(schema.tree as convict.Schema<Record<string, unknown>>, {env: {}, args: []});

  const cwd = process.cwd();
  const baseDir = inputs.baseDir ?? cwd;
  const files: ConfigFile[] = [
    ...(inputs.files ?? []),
    ...(inputs.file === undefined ? [] : [{path: inputs.file, role: 'config' as const}]),
  ];
  for (const file of files) {
    const fileValues = readYamlConfig(file.path, schema);
    const relativeTo = file.role === 'defaults' ? baseDir : dirname(resolve(file.path));
    for (const [key, value] of fileValues) {
      config.set(key, leaves.get(key)?.path === true ? rebasePath(value, relativeTo, cwd) : value);
      sources.set(key, {kind: 'file', path: file.path});
    }
  }
  if (baseDir !== cwd) {
    // Defaults name places in the project, wherever in it the command runs.
    for (const [key, leaf] of leaves) {
      if (leaf.path === true && sources.get(key)?.kind === 'default') config.set(key, rebasePath(config.get(key), baseDir, cwd));
    }
  }

  const env = inputs.env ?? {};
  const variables = new Map<string, string>();
  for (const key of leaves.keys()) variables.set(envVariableFor(key), key);
  for (const [old] of schema.replacements) {
    const variable = envVariableFor(old);
    if (env[variable] !== undefined && !variables.has(variable)) throw movedKey(`env ${variable}`, old, schema);
  }
  for (const [variable, key] of variables) {
    const raw = env[variable];
    if (raw === undefined) continue;
    const source: ConfigSource = {kind: 'env', variable};
    config.set(key, coerce(raw, key, leaves.get(key) as SchemaLeaf, source));
    sources.set(key, source);
  }

  for (const assignment of inputs.sets ?? []) {
    const equals = assignment.indexOf('=');
    const key = equals > 0 ? assignment.slice(0, equals).trim() : '';
    if (key === '') {
      throw new CodexError('E_CONFIG', `--set ${JSON.stringify(assignment)}: expected key=value`, {
        hint: 'for example --set hasher=sha256',
        exitCode: ExitCode.usage,
      });
    }
    const leaf = leaves.get(key);
    if (!leaf) throw unknownKey('--set', key, schema);
    const source: ConfigSource = {kind: 'set'};
    config.set(key, coerce(assignment.slice(equals + 1), key, leaf, source));
    sources.set(key, source);
  }

  try {
    config.validate({allowed: 'strict'});
  } catch (error) {
    throw validationError(error, sources, leaves);
  }
  return new ResolvedConfig(config.getProperties(), sources, files, schema, unknownVariables(env, variables));
}

/**
 * A relative path value made relative to `base` instead of the working directory: unchanged when they are the
 * same directory (messages keep the short path), absolute otherwise. Empty strings and null mean "the
 * default place" and stay as they are.
 */
function rebasePath(value: unknown, base: string, cwd: string): unknown {
  if (typeof value !== 'string' || value === '' || isAbsolute(value) || resolve(base) === resolve(cwd)) return value;
  return resolve(base, value);
}

/**
 * Variables the CLI itself reads (not config keys): oclif's directories and flags, and the ones codex passes to
 * its own child processes and tests.
 */
const RUNTIME_VARIABLES = new Set([
  'CODEX_BINPATH',
  'CODEX_CACHE_DIR',
  'CODEX_CONFIG_DIR',
  'CODEX_DATA_DIR',
  'CODEX_DEBUG',
  'CODEX_DISABLE_THEME',
  'CODEX_NPM_LOG_LEVEL',
  'CODEX_NPM_REGISTRY',
  'CODEX_PARENT_PID',
  'CODEX_PLUGIN_TIMEOUT',
  'CODEX_PROGRESS',
  'CODEX_PROGRESS_LABEL',
  'CODEX_TEST',
  'CODEX_TEST_HOLD_CHECKPOINT',
  'CODEX_TEST_PAUSE',
]);

/** A warning for every `CODEX_*` variable that names no key: a typo would otherwise be ignored in silence. */
function unknownVariables(env: Readonly<Record<string, string | undefined>>, variables: ReadonlyMap<string, string>): string[] {
  const warnings: string[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('CODEX_') || env[variable] === undefined || variables.has(variable) || RUNTIME_VARIABLES.has(variable))
      continue;
    const suggestion = closestMatch(variable, variables.keys());
    warnings.push(
      `environment variable ${variable} names no config key and is ignored${suggestion ? `; did you mean ${suggestion} (${variables.get(suggestion)})?` : ''}`,
    );
  }
  return warnings;
}

/**
 * Values written under an older schema (a training run's config snapshot), with every key that a
 * contribution `replaces` renamed to its new place(s), and keys the schema no longer declares dropped.
 */
export function migrateConfigValues(values: Readonly<Record<string, unknown>>, schema: ConfigSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (!isRecord(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  };
  const walk = (node: Readonly<Record<string, unknown>>, prefix: string) => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${name}` : name;
      // A section now (training.optimizer.momentum.*) may share its name with a key it replaced.
      const section = isRecord(value) && [...schema.leaves.keys()].some((leaf) => leaf.startsWith(`${key}.`));
      if (schema.leaves.has(key)) put(key, value);
      else if (section) walk(value, key);
      else if (schema.replacements.has(key)) for (const replacement of schema.replacements.get(key) ?? []) put(replacement, value);
      else if (isRecord(value)) walk(value, key);
    }
  };
  walk(values, '');
  return out;
}

function readYamlConfig(path: string, schema: ConfigSchema): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new CodexError('E_CONFIG', `config file ${path} does not exist`, {
        hint: 'check the --config path (configs/ holds the defaults)',
        exitCode: ExitCode.config,
      });
    }
    throw fileError(path, error);
  }
  const document = yaml().parseDocument(text, {uniqueKeys: true, prettyErrors: true});
  const problem = document.errors[0];
  if (problem) {
    const position = problem.linePos?.[0];
    const where = position ? `${path}:${position.line}:${position.col}` : path;
    throw new CodexError(
      'E_CONFIG',
      `${where}: invalid YAML: ${(problem.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      {
        hint: 'fix the YAML syntax at that position',
        exitCode: ExitCode.config,
      },
    );
  }
  let root: unknown;
  try {
    root = document.toJS();
  } catch (error) {
    // An alias bomb (aliases of aliases, billions of nodes) is refused by the parser: say which file.
    throw new CodexError(
      'E_CONFIG',
      `${path}: invalid YAML: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`,
      {
        hint: 'simplify the file: anchors and aliases are limited to a reasonable expansion',
        exitCode: ExitCode.config,
      },
    );
  }
  if (root === null || root === undefined) return new Map();
  if (!isRecord(root)) {
    throw new CodexError('E_CONFIG', `${path}: the top level must be a mapping of keys`, {exitCode: ExitCode.config});
  }
  const values = new Map<string, unknown>();
  flatten(root, '', path, schema, values);
  return values;
}

function flatten(node: Record<string, unknown>, prefix: string, path: string, schema: ConfigSchema, out: Map<string, unknown>): void {
  const leaves = schema.leaves;
  for (const [name, value] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new CodexError('E_CONFIG', `${path}: forbidden key "${key}"`, {exitCode: ExitCode.config});
    }
    const section = !leaves.has(key) && [...leaves.keys()].some((leaf) => leaf.startsWith(`${key}.`));
    if (leaves.has(key)) out.set(key, value);
    else if (section && isRecord(value)) flatten(value, key, path, schema, out);
    // A section whose keys are all commented out (`data:` alone) is empty, not an error.
    else if (section && value === null) continue;
    else throw unknownKey(path, key, schema);
  }
}

function unknownKey(where: string, key: string, schema: ConfigSchema): CodexError {
  if (schema.replacementsOf(key).length > 0) return movedKey(where, key, schema);
  const suggestion = closestMatch(key, schema.leaves.keys());
  return new CodexError('E_CONFIG', `${where}: unknown config key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
    hint: 'codex config:show lists every key',
    exitCode: ExitCode.config,
  });
}

/** A key that a plugin's key now replaces: one line naming the new place(s). */
function movedKey(where: string, key: string, schema: ConfigSchema): CodexError {
  const replacements = schema.replacementsOf(key);
  const owners = [...new Set(replacements.map((replacement) => schema.declaredBy(replacement)))].join(', ');
  // A whole section that moved (tokenizer.trainer → tokenizer.wordpiece.*) is named by its new prefix.
  const parents = new Set(replacements.map((replacement) => replacement.slice(0, replacement.lastIndexOf('.'))));
  const shown = replacements.length > 2 && parents.size === 1 ? [`${[...parents][0]}.*`] : replacements;
  return new CodexError(
    'E_CONFIG',
    `${where}: config key "${key}" moved to ${shown.map((name) => `"${name}"`).join(', ')} (declared by ${owners})`,
    {
      hint: `rename it; codex config:show lists every key`,
      exitCode: ExitCode.config,
    },
  );
}

/** Env and --set values arrive as strings; turn them into the type the key's default has. */
function coerce(raw: string, key: string, leaf: SchemaLeaf, source: ConfigSource): unknown {
  const where = describeSource(source);
  const fail = (expected: string) =>
    new CodexError('E_CONFIG', `${where}: ${key} must be ${expected}, got ${JSON.stringify(raw)}`, {
      hint: `set ${key} to ${expected}`,
      exitCode: ExitCode.config,
    });
  const value = raw.trim();
  if (leaf.nullable && value === 'null') return null;
  const format = leaf.format;
  const fallback = leaf.default;
  const type = leaf.type;
  if (type === 'string') return raw;
  if (
    type === 'number' ||
    type === 'integer' ||
    format === 'int' ||
    format === 'nat' ||
    format === 'port' ||
    format === Number ||
    typeof fallback === 'number'
  ) {
    const number = Number(value);
    if (value === '' || !Number.isFinite(number)) throw fail('a number');
    return number;
  }
  if (type === 'boolean' || format === Boolean || typeof fallback === 'boolean') {
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw fail('true or false');
  }
  if (type === 'array' || format === Array || Array.isArray(fallback)) {
    if (value.startsWith('[')) {
      const parsed = parseYamlScalar(value);
      if (!Array.isArray(parsed)) throw fail('a list');
      return parsed;
    }
    const items = value === '' ? [] : value.split(',').map((item) => item.trim());
    const numeric = Array.isArray(fallback) && fallback.length > 0 && fallback.every((item) => typeof item === 'number');
    if (!numeric) return items;
    const numbers = items.map(Number);
    if (numbers.some((item) => !Number.isFinite(item))) throw fail('a comma-separated list of numbers');
    return numbers;
  }
  if (type === 'object' || format === Object || (typeof fallback === 'object' && fallback !== null)) {
    const parsed = parseYamlScalar(value);
    if (!isRecord(parsed)) throw fail('a mapping such as {a: 1}');
    return parsed;
  }
  return raw;
}

function parseYamlScalar(text: string): unknown {
  const document = yaml().parseDocument(text);
  return document.errors.length > 0 ? undefined : document.toJS();
}

function validationError(error: unknown, sources: ReadonlyMap<string, ConfigSource>, leaves: ReadonlyMap<string, SchemaLeaf>): CodexError {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').filter((line) => line.trim() !== '');
  const first = lines[0] ?? 'invalid configuration';
  const match = /^([\w.-]+): (.*)$/.exec(first);
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
  if (match?.[1] && leaves.has(match[1])) {
    const key = match[1];
    const leaf = leaves.get(key);
    const allowed = Array.isArray(leaf?.format) ? `; allowed: ${(leaf.format as unknown[]).join(', ')}` : '';
    // Validators that name the value ("…, got 1.5") make convict's ": value was 1.5" redundant.
    const reason = (match[2] ?? '').replace(/(, got .*): value was .*$/, '$1');
    return new CodexError('E_CONFIG', `${describeSource(sources.get(key) ?? {kind: 'default'})}: ${key}: ${reason}${allowed}${more}`, {
      hint: `fix ${key}; codex config:show documents it`,
      exitCode: ExitCode.config,
    });
  }
  return new CodexError('E_CONFIG', `invalid configuration: ${first}${more}`, {exitCode: ExitCode.config});
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let yamlModule: typeof Yaml | undefined;

/**
 * The YAML parser, loaded on first use: resolving config is on every command's start-up path, and a command
 * with no YAML file and no `--set` (`codex hash FILE`) then never pays the ~20 ms of loading it.
 */
function yaml(): typeof Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlModule;
}
