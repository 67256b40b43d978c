import {BACKEND_CONFIG_BLOCKS, BACKEND_CONFIG_KEYS, CONTRACT_NAMES, type ConfigSchema} from '@codex-ml/core';

export interface ProjectConfigTemplateOptions {
  readonly schema: ConfigSchema;
  /** Registered backend names by contract: the blocks of backends not selected by default are left out. */
  readonly backends: (contract: (typeof CONTRACT_NAMES)[number]) => readonly string[];
  /** The value each key has by default (schema defaults). */
  readonly defaults: (key: string) => unknown;
  /** Values `codex pipeline`'s packaged defaults set differently, shown beside the default. */
  readonly pipeline: ReadonlyMap<string, unknown>;
  /** Write every key as an active line instead of a comment (what the template means, for tests and docs). */
  readonly active?: boolean;
}

const HEADER = `# codex.yaml — the project config of codex-ml. Every codex command run in this directory or below it reads it.
# Precedence, lowest first: schema defaults < a command's packaged defaults (codex pipeline's: stratified Brown
# splits, a 2,048-token tokenizer, 300 training steps) < this file (or --config files) < CODEX_* variables < --set.
# Keys are commented out, so the defaults apply; uncomment one to change it for the whole project. Relative paths
# are relative to this file: runs/ and .codex/cache/ live beside it. \`codex config:show\` prints the resolved
# config and where each value came from, with every key that installed plugins add.`;

/**
 * The text `codex init` writes: every key core and the default backends declare, grouped by section, each with
 * its doc and its default, commented out. Section headers stay active (an empty section is allowed), so
 * uncommenting one key is all it takes.
 */
export function projectConfigTemplate(options: ProjectConfigTemplateOptions): string {
  const skipped = unselectedBlocks(options);
  const tree: Section = new Map();
  for (const key of options.schema.leaves.keys()) {
    if (skipped.some((prefix) => key.startsWith(prefix))) continue;
    const parts = key.split('.');
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      let child = node.get(part);
      if (!(child instanceof Map)) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
    }
    node.set(parts.at(-1) as string, key);
  }
  const lines: string[] = [HEADER];
  const emit = (section: Section, depth: number) => {
    const indent = '  '.repeat(depth);
    for (const [name, child] of section) {
      if (depth === 0) lines.push('');
      if (child instanceof Map) {
        lines.push(`${indent}${name}:`);
        emit(child, depth + 1);
        continue;
      }
      for (const line of wrap(options.schema.leaves.get(child)?.doc ?? '', 100 - indent.length - 2)) lines.push(`${indent}# ${line}`);
      const pipeline = options.pipeline.has(child) ? `  # codex pipeline: ${render(options.pipeline.get(child))}` : '';
      lines.push(`${indent}${options.active ? '' : '# '}${name}: ${render(options.defaults(child))}${pipeline}`);
    }
  };
  emit(tree, 0);
  return `${lines.join('\n')}\n`;
}

/** Keys by name, nested by section, in the order the schema first declares them. */
type Section = Map<string, Section | string>;

/** `<block>.<name>.` of every registered backend the defaults do not select: their keys matter only once chosen. */
function unselectedBlocks(options: ProjectConfigTemplateOptions): string[] {
  const prefixes: string[] = [];
  for (const contract of CONTRACT_NAMES) {
    const selected = options.defaults(BACKEND_CONFIG_KEYS[contract]);
    const chosenByPipeline = options.pipeline.get(BACKEND_CONFIG_KEYS[contract]);
    for (const name of options.backends(contract)) {
      if (name !== selected && name !== chosenByPipeline) prefixes.push(`${BACKEND_CONFIG_BLOCKS[contract]}.${name}.`);
    }
  }
  return prefixes;
}

/** A value as YAML: plain words bare, anything else as JSON (valid YAML flow syntax, quoting what must be). */
function render(value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z][A-Za-z0-9._/-]*$/.test(value) && !YAML_WORDS.has(value.toLowerCase())) return value;
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  return JSON.stringify(value) ?? 'null';
}

/** Plain scalars YAML reads as something other than a string. */
const YAML_WORDS = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n']);

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
