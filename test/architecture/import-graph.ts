import {readFile, readdir} from 'node:fs/promises';
import {dirname, join, relative, resolve, sep} from 'node:path';

/** Where a source file lives in the house. */
export type Layer = {readonly kind: 'core'} | {readonly kind: 'host'} | {readonly kind: 'plugin'; readonly name: string};

/** One import that breaks the layering, with the file and the specifier as written. */
export interface LayeringViolation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** Who imports whom: `core`, `host`, `plugin:<name>` → the layers and packages each imports. */
export type ImportGraph = Map<string, Set<string>>;

// Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and dynamic `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
const PLUGIN_PACKAGE = /^@codex-ml\/plugin-([a-z0-9-]+)(?:\/|$)/;

/** The layer of a file of the repository at `root`, or undefined for files outside the checked layers. */
export function layerOf(root: string, file: string): Layer | undefined {
  const path = relative(root, file).split(sep).join('/');
  if (path.startsWith('src/core/src/')) return {kind: 'core'};
  if (path.startsWith('src/')) return {kind: 'host'};
  const plugin = /^plugins\/([^/]+)\/src\//.exec(path);
  return plugin?.[1] ? {kind: 'plugin', name: plugin[1]} : undefined;
}

/** The layer (or package) an import specifier of `file` reaches. */
function targetOf(root: string, file: string, specifier: string): Layer | {readonly kind: 'package'; readonly name: string} {
  if (specifier.startsWith('.')) {
    const target = layerOf(root, resolve(dirname(file), specifier));
    if (target) return target;
    return {
      kind: 'package',
      name: relative(root, resolve(dirname(file), specifier))
        .split(sep)
        .join('/'),
    };
  }
  if (specifier === '@codex-ml/core' || specifier.startsWith('@codex-ml/core/')) return {kind: 'core'};
  const plugin = PLUGIN_PACKAGE.exec(specifier);
  if (plugin?.[1]) return {kind: 'plugin', name: plugin[1]};
  return {kind: 'package', name: specifier};
}

/**
 * The rules: core imports neither the host nor any plugin; the host imports no plugin (it reaches backends
 * through the registry only); a plugin imports core and its own files, never the host or another plugin.
 */
function ruleBroken(from: Layer, to: ReturnType<typeof targetOf>): string | undefined {
  if (to.kind === 'package') return undefined;
  if (from.kind === 'core' && to.kind !== 'core') return `core imports the ${describe(to)}`;
  if (from.kind === 'host' && to.kind === 'plugin') return `the host imports ${describe(to)}`;
  if (from.kind === 'plugin' && to.kind === 'host') return `${describe(from)} imports the host`;
  if (from.kind === 'plugin' && to.kind === 'plugin' && to.name !== from.name) return `${describe(from)} imports ${describe(to)}`;
  return undefined;
}

function describe(layer: Layer): string {
  return layer.kind === 'plugin' ? `plugin ${layer.name}` : layer.kind;
}

function nodeName(layer: ReturnType<typeof targetOf>): string {
  return layer.kind === 'plugin' ? `plugin:${layer.name}` : layer.kind === 'package' ? layer.name : layer.kind;
}

/** Every TypeScript source of core, the host and the plugins under `root`, checked against the rules. */
export async function checkLayering(root: string): Promise<{violations: LayeringViolation[]; graph: ImportGraph}> {
  const violations: LayeringViolation[] = [];
  const graph: ImportGraph = new Map();
  for (const file of await sourceFiles(root)) {
    const from = layerOf(root, file);
    if (!from) continue;
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] as string;
      const to = targetOf(root, file, specifier);
      const edges = graph.get(nodeName(from)) ?? new Set<string>();
      graph.set(nodeName(from), edges);
      if (nodeName(to) !== nodeName(from)) edges.add(nodeName(to));
      const rule = ruleBroken(from, to);
      if (rule) violations.push({file: relative(root, file).split(sep).join('/'), specifier, rule});
    }
  }
  return {violations, graph};
}

async function sourceFiles(root: string): Promise<string[]> {
  const roots = [join(root, 'src')];
  const plugins = await readdir(join(root, 'plugins')).catch(() => [] as string[]);
  for (const name of plugins) roots.push(join(root, 'plugins', name, 'src'));
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, {withFileTypes: true}).catch(() => []);
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') await walk(path);
      } else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  for (const directory of roots) await walk(directory);
  return files.sort();
}
