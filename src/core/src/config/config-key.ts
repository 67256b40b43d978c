import type {SchemaLeaf} from './schema-node.js';

/** A value a config key can hold: what YAML, `CODEX_*` variables and `--set` can express. */
export type ConfigValue = string | number | boolean | null | readonly ConfigValue[] | {readonly [key: string]: ConfigValue};

/** JSON type of a contributed key's value. */
export type ConfigKeyType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/**
 * One config key a plugin contributes, declared as plain data (a subset of JSON Schema) rather than a
 * validator function: it crosses copies of `@codex-ml/core` safely, and the host can describe it in
 * `codex config:show` and in its error messages ("must be a number in [0, 1), got 1.5").
 */
export interface ConfigKeySpec {
  /** One line shown by `codex config:show`. */
  readonly doc: string;
  readonly default: ConfigValue;
  /** Inferred from `default` when absent; required when the default is null. */
  readonly type?: ConfigKeyType;
  /** The values allowed (scalars), or the items allowed (arrays). */
  readonly enum?: readonly (string | number | boolean | null)[];
  /** Type of each item of an array; default: any of string, number, boolean. */
  readonly items?: 'string' | 'number' | 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  /** Accept null besides `type` (null then usually means "the backend's own default"). */
  readonly nullable?: boolean;
  /** A credential: `config:show`, manifests and snapshots show it masked. */
  readonly sensitive?: boolean;
  /** A file or directory: relative to the config file that sets it, or by default to the project root. */
  readonly path?: boolean;
  /**
   * Full key(s) this one replaces. A config that still names an old key is refused with one line naming the
   * new place, and config snapshots written before the move (a training run's) are read with the new name.
   */
  readonly replaces?: string | readonly string[];
}

/** Keys by name, nested: `{model: {layers: {doc, default}}}` declares `<prefix>.model.layers`. */
export interface ConfigSection {
  readonly [name: string]: ConfigKeySpec | ConfigSection;
}

export function isConfigKeySpec(node: ConfigKeySpec | ConfigSection): node is ConfigKeySpec {
  return typeof node === 'object' && node !== null && 'doc' in node && 'default' in node;
}

const TYPES: readonly ConfigKeyType[] = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

/** Why a spec cannot be used, or undefined when it is well-formed and its default satisfies it. */
export function configKeyProblem(spec: ConfigKeySpec): string | undefined {
  if (typeof spec.doc !== 'string' || spec.doc.trim() === '') return 'has no doc';
  const type = typeOf(spec);
  if (type === undefined) return 'has no type (give "type" when the default is null)';
  if (!TYPES.includes(type)) return `has unknown type ${JSON.stringify(type)}; use one of ${TYPES.join(', ')}`;
  if (spec.enum !== undefined && !Array.isArray(spec.enum)) return 'has an enum that is not a list';
  const problem = valueProblem(spec, spec.default);
  return problem === undefined ? undefined : `has a default that ${problem}`;
}

/** The convict leaf that checks a contributed key: `format` throws the one-line reason. */
export function schemaLeafOf(spec: ConfigKeySpec): SchemaLeaf {
  return {
    doc: spec.doc,
    default: spec.default,
    nullable: spec.nullable === true || spec.default === null,
    sensitive: spec.sensitive === true,
    path: spec.path === true,
    type: typeOf(spec),
    format: (value: unknown) => {
      const problem = valueProblem(spec, value);
      if (problem !== undefined) throw new Error(problem);
    },
  };
}

/** "must be …, got …" when `value` does not satisfy `spec`. */
function valueProblem(spec: ConfigKeySpec, value: unknown): string | undefined {
  if (value === null && (spec.nullable === true || spec.default === null)) return undefined;
  return satisfies(spec, value) ? undefined : `must be ${describe(spec)}, got ${JSON.stringify(value)}`;
}

function satisfies(spec: ConfigKeySpec, value: unknown): boolean {
  const type = typeOf(spec);
  if (type === 'array') {
    return Array.isArray(value) && value.every((item) => itemOk(spec, item) && (spec.enum === undefined || spec.enum.includes(item)));
  }
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (spec.enum !== undefined) return spec.enum.includes(value as string);
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) && (type === 'number' || Number.isInteger(value)) && inRange(spec, value);
    default:
      return false;
  }
}

function itemOk(spec: ConfigKeySpec, item: unknown): boolean {
  switch (spec.items) {
    case 'string':
      return typeof item === 'string';
    case 'number':
      return typeof item === 'number' && Number.isFinite(item);
    case 'integer':
      return typeof item === 'number' && Number.isInteger(item);
    default:
      return ['string', 'number', 'boolean'].includes(typeof item);
  }
}

function inRange(spec: ConfigKeySpec, value: number): boolean {
  return (
    (spec.minimum === undefined || value >= spec.minimum) &&
    (spec.maximum === undefined || value <= spec.maximum) &&
    (spec.exclusiveMinimum === undefined || value > spec.exclusiveMinimum) &&
    (spec.exclusiveMaximum === undefined || value < spec.exclusiveMaximum)
  );
}

/** "a number in [0, 1)", "an integer >= 1", "one of wasm, cpu", "a list of strings from nfc, nfd", each "or null" when nullable. */
function describe(spec: ConfigKeySpec): string {
  const type = typeOf(spec);
  const list = (values: readonly unknown[]) =>
    values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
  let text: string;
  if (type === 'array') {
    const items = spec.items === undefined ? 'values' : spec.items === 'integer' ? 'integers' : `${spec.items}s`;
    text = spec.enum === undefined ? `a list of ${items}` : `a list of ${items} from ${list(spec.enum)}`;
  } else if (type === 'object') {
    text = 'a mapping such as {a: 1}';
  } else if (spec.enum !== undefined) {
    text = `one of ${list(spec.enum)}`;
  } else if (type === 'number' || type === 'integer') {
    text = `${type === 'integer' ? 'an integer' : 'a number'}${rangeText(spec)}`;
  } else {
    text = type === 'boolean' ? 'true or false' : 'a string';
  }
  return spec.nullable === true || spec.default === null ? `${text} or null` : text;
}

function rangeText(spec: ConfigKeySpec): string {
  const low = spec.exclusiveMinimum ?? spec.minimum;
  const high = spec.exclusiveMaximum ?? spec.maximum;
  if (low !== undefined && high !== undefined) {
    return ` in ${spec.exclusiveMinimum !== undefined ? '(' : '['}${low}, ${high}${spec.exclusiveMaximum !== undefined ? ')' : ']'}`;
  }
  if (low !== undefined) return ` ${spec.exclusiveMinimum !== undefined ? '>' : '>='} ${low}`;
  if (high !== undefined) return ` ${spec.exclusiveMaximum !== undefined ? '<' : '<='} ${high}`;
  return '';
}

function typeOf(spec: ConfigKeySpec): ConfigKeyType | undefined {
  if (spec.type !== undefined) return spec.type;
  const value = spec.default;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}
