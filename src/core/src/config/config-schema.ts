import {CodexError, ExitCode} from '../errors.js';
import {type ConfigSection, configKeyProblem, isConfigKeySpec, schemaLeafOf} from './config-key.js';
import {envVariableFor} from './env-variable.js';
import {type SchemaLeaf, type SchemaNode, isSchemaLeaf, schemaLeaves} from './schema-node.js';

/** Who declares the keys core's own sections hold. */
export const CORE_ORIGIN = 'core';

/**
 * The config schema: core's cross-cutting keys plus the keys plugins contribute, with who declared each key
 * and which old keys contributed ones replace. Plugins never edit another's keys: a contribution that
 * collides with a declared key (or with its `CODEX_*` variable) is refused whole, naming both owners.
 */
export class ConfigSchema {
  readonly #tree: Record<string, SchemaNode>;
  readonly #leaves = new Map<string, SchemaLeaf>();
  readonly #origins = new Map<string, string>();
  readonly #variables = new Map<string, string>();
  readonly #replacements = new Map<string, string[]>();

  constructor(core: Record<string, SchemaNode> = {}) {
    this.#tree = structuredCloneTree(core);
    for (const [key, leaf] of schemaLeaves(core)) this.#declare(key, leaf, CORE_ORIGIN);
  }

  /** The convict schema (a tree of leaves). */
  get tree(): Record<string, SchemaNode> {
    return this.#tree;
  }

  /** Every leaf by dotted key, core's in declaration order, then contributions in the order they came. */
  get leaves(): ReadonlyMap<string, SchemaLeaf> {
    return this.#leaves;
  }

  /** `core`, or the plugin that contributed the key. */
  declaredBy(key: string): string | undefined {
    return this.#origins.get(key);
  }

  /** The keys that replace an old key (exactly it, or keys below it), sorted; empty when it was never moved. */
  replacementsOf(key: string): string[] {
    const found = new Set<string>();
    for (const [old, replacements] of this.#replacements) {
      if (old === key || old.startsWith(`${key}.`)) for (const replacement of replacements) found.add(replacement);
    }
    return [...found].sort();
  }

  /** Old key → the keys that replace it. */
  get replacements(): ReadonlyMap<string, readonly string[]> {
    return this.#replacements;
  }

  /**
   * Adds a plugin's keys below `prefix` (`manifest.sqlite`, `training.optimizer.adamw`, `training.tfjs`). Throws
   * a one-line `E_PLUGIN` error, changing nothing, when a key is malformed or collides with a declared one.
   */
  contribute(plugin: string, prefix: string, section: ConfigSection): void {
    const additions: Array<[string, SchemaLeaf, readonly string[]]> = [];
    const fail = (message: string) =>
      new CodexError('E_PLUGIN', message, {
        hint: 'rename the key in the plugin, or uninstall one of the plugins',
        exitCode: ExitCode.plugin,
      });
    if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/.test(prefix)) throw fail(`config section "${prefix}" is not a dotted key`);
    const walk = (node: ConfigSection, at: string) => {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) throw fail(`config key ${at} is neither a key nor a section`);
      for (const [name, child] of Object.entries(node)) {
        const key = `${at}.${name}`;
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw fail(`config key "${key}": names are letters and digits (camelCase)`);
        if (!isConfigKeySpec(child)) {
          walk(child, key);
          continue;
        }
        const problem = configKeyProblem(child);
        if (problem !== undefined) throw fail(`config key ${key} ${problem}`);
        const replaces = child.replaces === undefined ? [] : typeof child.replaces === 'string' ? [child.replaces] : [...child.replaces];
        additions.push([key, schemaLeafOf(child), replaces]);
      }
    };
    walk(section, prefix);
    const added: string[] = [];
    const addedVariables = new Map<string, string>();
    for (const [key] of additions) {
      const clash = this.#clash(key) ?? added.find((other) => other === key || other.startsWith(`${key}.`) || key.startsWith(`${other}.`));
      if (clash !== undefined) {
        const owner = this.#origins.get(clash) ?? plugin;
        throw fail(`config key ${key} collides with ${clash}, declared by ${owner}`);
      }
      const variable = envVariableFor(key);
      const sameVariable = this.#variables.get(variable) ?? addedVariables.get(variable);
      if (sameVariable !== undefined) throw fail(`config key ${key} and ${sameVariable} map to one variable ${variable}`);
      added.push(key);
      addedVariables.set(variable, key);
    }
    for (const [key, leaf, replaces] of additions) {
      this.#declare(key, leaf, plugin);
      setLeaf(this.#tree, key, leaf);
      for (const old of replaces) this.#replacements.set(old, [...(this.#replacements.get(old) ?? []), key]);
    }
  }

  /** A declared key that `key` would shadow or be shadowed by, if any. */
  #clash(key: string): string | undefined {
    if (this.#leaves.has(key)) return key;
    for (const existing of this.#leaves.keys()) {
      if (existing.startsWith(`${key}.`) || key.startsWith(`${existing}.`)) return existing;
    }
    return undefined;
  }

  #declare(key: string, leaf: SchemaLeaf, origin: string): void {
    this.#leaves.set(key, leaf);
    this.#origins.set(key, origin);
    this.#variables.set(envVariableFor(key), key);
  }
}

function setLeaf(tree: Record<string, SchemaNode>, key: string, leaf: SchemaLeaf): void {
  const parts = key.split('.');
  let node = tree as Record<string, SchemaNode>;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    node = node[part] as Record<string, SchemaNode>;
  }
  node[parts[parts.length - 1] as string] = leaf;
}

/** Copies the section objects (leaves are shared: they are never mutated), so contributions never touch core's constants. */
function structuredCloneTree(tree: Record<string, SchemaNode>): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  for (const [name, node] of Object.entries(tree)) {
    out[name] = isSchemaLeaf(node) ? node : structuredCloneTree(node as Record<string, SchemaNode>);
  }
  return out;
}
