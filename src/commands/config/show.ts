import {BACKEND_CONFIG_KEYS, CONTRACT_NAMES, configSchema, maskCredentials, schemaLeaves} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';

export interface ConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly source: string;
  readonly doc: string;
}

export interface ConfigShowResult {
  readonly file: string | null;
  readonly values: Readonly<Record<string, unknown>>;
  readonly entries: readonly ConfigEntry[];
}

export default class ConfigShow extends CodexCommand<typeof ConfigShow> {
  static override summary = 'Print the resolved config and where each value came from';
  static override description =
    'Precedence, lowest first: schema defaults < YAML file (--config) < environment (CODEX_<KEY>) < --set key=value. ' +
    'Backend names are checked against the registered plugins.';
  static override examples = [
    '<%= config.bin %> config:show --config configs/data/base.yaml',
    'CODEX_HASHER=sha256 <%= config.bin %> config:show --set data.seed=7 --json',
  ];

  async run(): Promise<ConfigShowResult> {
    const config = this.resolveConfig();
    const kernel = await this.kernel(config);
    // Only contracts that have backends registered can be checked; the others are unused here.
    for (const contract of CONTRACT_NAMES) {
      if (kernel.registry.names(contract).length > 0) kernel.selectedBackend(contract);
    }
    const entries = schemaLeaves(configSchema).map(([key, leaf]) => ({
      key,
      value: leaf.sensitive ? maskCredentials(config.get(key), true) : config.get(key),
      source: config.sourceOf(key),
      doc: leaf.doc,
    }));
    if (!this.jsonEnabled()) {
      this.log(`# config file: ${config.file ?? '(none)'}`);
      const width = Math.max(...entries.map((entry) => entry.key.length));
      for (const entry of entries) {
        const marker = Object.values(BACKEND_CONFIG_KEYS).includes(entry.key) ? ' (backend)' : '';
        this.log(`${entry.key.padEnd(width)}  ${JSON.stringify(entry.value)}  # ${entry.source}${marker}`);
      }
    }
    return {file: config.file ?? null, values: config.printableValues(), entries};
  }
}
