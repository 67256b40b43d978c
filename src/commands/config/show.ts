import {BACKEND_CONFIG_KEYS, CONTRACT_NAMES, type ConfigFile, maskCredentials} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {describeLayers} from '../../cli/config-discovery.js';

export interface ConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly source: string;
  /** `core`, or the plugin that contributed the key. */
  readonly declaredBy: string;
  readonly doc: string;
}

export interface ConfigShowResult {
  /** The config files read, lowest precedence first (packaged defaults, then the project's or --config's). */
  readonly files: readonly ConfigFile[];
  readonly values: Readonly<Record<string, unknown>>;
  readonly entries: readonly ConfigEntry[];
}

export default class ConfigShow extends CodexCommand<typeof ConfigShow> {
  static override summary = 'Print the resolved config and where each value came from';
  static override description =
    'Precedence, lowest first: schema defaults < packaged defaults of a command < the project’s codex.yaml (found in the ' +
    'working directory or the nearest directory above it), or the --config files < environment (CODEX_<KEY>) < --set key=value. ' +
    'Backend names are checked against the registered plugins. Keys a plugin contributes (its backends\u2019 own options) ' +
    'are listed with the plugin that declares them.';
  static override examples = [
    '<%= config.bin %> config:show',
    '<%= config.bin %> config:show --config experiment.yaml',
    'CODEX_HASHER=sha256 <%= config.bin %> config:show --set data.seed=7 --json',
  ];

  async run(): Promise<ConfigShowResult> {
    const kernel = await this.kernel();
    const {config} = kernel;
    // Only contracts that have backends registered can be checked; the others are unused here.
    for (const contract of CONTRACT_NAMES) {
      if (kernel.registry.names(contract).length > 0) kernel.selectedBackend(contract);
    }
    // Contributed keys come last in the schema; list each next to its section's other keys.
    const sections = [...new Set([...config.schema.leaves.keys()].map(topSection))];
    const leaves = [...config.schema.leaves].sort(([a], [b]) => sections.indexOf(topSection(a)) - sections.indexOf(topSection(b)));
    const entries = leaves.map(([key, leaf]) => ({
      key,
      value: leaf.sensitive ? maskCredentials(config.get(key), true) : config.get(key),
      source: config.sourceOf(key),
      declaredBy: config.schema.declaredBy(key) ?? 'core',
      doc: leaf.doc,
    }));
    if (!this.jsonEnabled()) {
      this.log(`# ${describeLayers(config.files)}`);
      const width = Math.max(...entries.map((entry) => entry.key.length));
      for (const entry of entries) {
        const marker = Object.values(BACKEND_CONFIG_KEYS).includes(entry.key) ? ' (backend)' : '';
        const owner = entry.declaredBy === 'core' ? '' : ` [${entry.declaredBy}]`;
        this.log(`${entry.key.padEnd(width)}  ${JSON.stringify(entry.value)}  # ${entry.source}${marker}${owner}`);
      }
    }
    return {files: config.files, values: config.printableValues(), entries};
  }
}

function topSection(key: string): string {
  return key.split('.')[0] ?? key;
}
