import {API_VERSION, CONTRACT_NAMES, type ContractName, type PluginProblem} from '@codex-ml/core';
import {CodexCommand} from '../cli/codex-command.js';

export interface BackendRow {
  readonly name: string;
  readonly description: string;
  readonly plugin: string;
  readonly version: string;
  readonly apiRange: string;
  /** True for the backend the resolved config selects. */
  readonly selected: boolean;
}

/** Backends by contract; `apiVersion` is the plugin API this codex provides, which every `apiRange` must include. */
export type BackendsResult = Record<ContractName, BackendRow[]> & {apiVersion: string; problems: readonly PluginProblem[]};

export default class Backends extends CodexCommand<typeof Backends> {
  static override summary = 'List every registered backend by contract, with its plugin and version';
  static override examples = ['<%= config.bin %> backends', '<%= config.bin %> backends --json'];

  async run(): Promise<BackendsResult> {
    const kernel = await this.kernel();
    const result = {apiVersion: API_VERSION, problems: kernel.registry.problems} as BackendsResult;
    for (const contract of CONTRACT_NAMES) {
      const selected = kernel.backendName(contract);
      result[contract] = kernel.registry.list(contract).map((backend) => ({
        name: backend.name,
        description: backend.spec.description,
        plugin: backend.plugin,
        version: backend.version,
        apiRange: backend.apiRange,
        selected: backend.name === selected,
      }));
    }
    if (!this.jsonEnabled()) {
      for (const contract of CONTRACT_NAMES) {
        this.log(`${contract}:`);
        const rows = result[contract];
        if (rows.length === 0) this.log('  (none registered)');
        const width = Math.max(0, ...rows.map((row) => row.name.length));
        for (const row of rows) {
          this.log(
            `  ${row.selected ? '*' : ' '} ${row.name.padEnd(width)}  ${row.description}  [${row.plugin}@${row.version}, api ${row.apiRange}]`,
          );
        }
      }
      this.log(`plugin API ${result.apiVersion}${result.problems.length > 0 ? '; plugins refused or partly loaded:' : ''}`);
      for (const problem of result.problems) this.log(`! ${problem.plugin}: ${problem.message}`);
    }
    return result;
  }
}
