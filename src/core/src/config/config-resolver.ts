import {readFileSync} from 'node:fs';
import convict from 'convict';
import {parseDocument} from 'yaml';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';
import {closestMatch} from './closest-match.js';
import {maskCredentials} from './mask-credentials.js';
import {type ConfigSource, describeSource} from './config-source.js';
import {configSchema} from './schema.js';
import {type SchemaLeaf, type SchemaNode, schemaLeaves} from './schema-node.js';

export interface ConfigInputs {
  /** YAML file (`--config`); optional. */
  readonly file?: string;
  /** Usually `process.env`; only `CODEX_*` variables that name a key are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set key=value` pairs, in order (a later one wins). */
  readonly sets?: readonly string[];
  /** Schema to resolve against; the full codex schema by default. */
  readonly schema?: Record<string, SchemaNode>;
}

/** The resolved configuration, with where each value came from. */
export class ResolvedConfig {
  constructor(
    readonly values: Readonly<Record<string, unknown>>,
    readonly sources: ReadonlyMap<string, ConfigSource>,
    readonly file: string | undefined,
    /** Keys whose schema marks them `sensitive` (credentials): shown and recorded only masked. */
    readonly sensitiveKeys: ReadonlySet<string> = new Set(),
  ) {}

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
}

/** `CODEX_` + key segments in SCREAMING_SNAKE_CASE: `training.optimizer.name` → `CODEX_TRAINING_OPTIMIZER_NAME`. */
export function envVariableFor(key: string): string {
  return `CODEX_${key
    .split('.')
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/-/g, '_')
        .toUpperCase(),
    )
    .join('_')}`;
}

/**
 * Resolves config with precedence schema defaults < YAML file < `CODEX_*` environment < `--set`. Every
 * failure is one line naming the file or variable, the key and the allowed values.
 */
export function resolveConfig(inputs: ConfigInputs = {}): ResolvedConfig {
  const schema = inputs.schema ?? configSchema;
  const leaves = new Map(schemaLeaves(schema));
  const sources = new Map<string, ConfigSource>();
  for (const key of leaves.keys()) sources.set(key, {kind: 'default'});

  // convict reads env and argv itself unless told otherwise; we layer them explicitly to control precedence.
  const config = convict(schema as convict.Schema<Record<string, unknown>>, {env: {}, args: []});

  if (inputs.file !== undefined) {
    const fileValues = readYamlConfig(inputs.file, leaves);
    for (const [key, value] of fileValues) {
      config.set(key, value);
      sources.set(key, {kind: 'file', path: inputs.file});
    }
  }

  const env = inputs.env ?? {};
  const variables = new Map<string, string>();
  for (const key of leaves.keys()) {
    const variable = envVariableFor(key);
    if (variables.has(variable)) {
      throw new CodexError('E_SCHEMA', `config keys ${variables.get(variable)} and ${key} map to one variable ${variable}`);
    }
    variables.set(variable, key);
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
    if (!leaf) throw unknownKey('--set', key, leaves.keys());
    const source: ConfigSource = {kind: 'set'};
    config.set(key, coerce(assignment.slice(equals + 1), key, leaf, source));
    sources.set(key, source);
  }

  try {
    config.validate({allowed: 'strict'});
  } catch (error) {
    throw validationError(error, sources, leaves);
  }
  const sensitive = new Set([...leaves].filter(([, leaf]) => leaf.sensitive === true).map(([key]) => key));
  return new ResolvedConfig(config.getProperties(), sources, inputs.file, sensitive);
}

function readYamlConfig(path: string, leaves: ReadonlyMap<string, SchemaLeaf>): Map<string, unknown> {
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
  const document = parseDocument(text, {uniqueKeys: true, prettyErrors: true});
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
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return new Map();
  if (!isRecord(root)) {
    throw new CodexError('E_CONFIG', `${path}: the top level must be a mapping of keys`, {exitCode: ExitCode.config});
  }
  const values = new Map<string, unknown>();
  flatten(root, '', path, leaves, values);
  return values;
}

function flatten(
  node: Record<string, unknown>,
  prefix: string,
  path: string,
  leaves: ReadonlyMap<string, SchemaLeaf>,
  out: Map<string, unknown>,
): void {
  for (const [name, value] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new CodexError('E_CONFIG', `${path}: forbidden key "${key}"`, {exitCode: ExitCode.config});
    }
    if (leaves.has(key)) out.set(key, value);
    else if (isRecord(value) && [...leaves.keys()].some((leaf) => leaf.startsWith(`${key}.`))) flatten(value, key, path, leaves, out);
    else throw unknownKey(path, key, leaves.keys());
  }
}

function unknownKey(where: string, key: string, known: Iterable<string>): CodexError {
  const suggestion = closestMatch(key, known);
  return new CodexError('E_CONFIG', `${where}: unknown config key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
    hint: 'codex config:show lists every key',
    exitCode: ExitCode.config,
  });
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
  if (format === 'int' || format === 'nat' || format === 'port' || format === Number || typeof fallback === 'number') {
    const number = Number(value);
    if (value === '' || !Number.isFinite(number)) throw fail('a number');
    return number;
  }
  if (format === Boolean || typeof fallback === 'boolean') {
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw fail('true or false');
  }
  if (format === Array || Array.isArray(fallback)) {
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
  if (format === Object || (typeof fallback === 'object' && fallback !== null)) {
    const parsed = parseYamlScalar(value);
    if (!isRecord(parsed)) throw fail('a mapping such as {a: 1}');
    return parsed;
  }
  return raw;
}

function parseYamlScalar(text: string): unknown {
  const document = parseDocument(text);
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
    return new CodexError('E_CONFIG', `${describeSource(sources.get(key) ?? {kind: 'default'})}: ${key}: ${match[2]}${allowed}${more}`, {
      hint: `fix ${key}; codex config:show documents it`,
      exitCode: ExitCode.config,
    });
  }
  return new CodexError('E_CONFIG', `invalid configuration: ${first}${more}`, {exitCode: ExitCode.config});
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
