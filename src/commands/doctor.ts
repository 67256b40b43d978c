import {join} from 'node:path';
import {CodexCommand} from '../cli/codex-command.js';
import {hostCore} from '../services/plugin-generator/core-dependency.js';
import {type DoctorReport, diagnose} from '../services/doctor/doctor.js';

export default class Doctor extends CodexCommand<typeof Doctor> {
  static override summary = 'Check the installation: Node and npm, native backends, plugins, PATH and free disk';
  static override description =
    'One line per finding, with its fix: the Node and npm versions against codex’s engines; which hashers load and ' +
    'what implementation runs; the optional packages plugins can use (native addons, @tensorflow/tfjs-node) and why one ' +
    'does not load; plugins that fail to register, declare an API range this codex does not provide, or carry their ' +
    'own copy of @codex-ml/core; another codex earlier on PATH; free disk where runs go. Exits 1 when a finding fails.';
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json'];

  async run(): Promise<DoctorReport> {
    const config = await this.configure();
    const registry = await this.registry();
    const report = await diagnose({
      host: {root: this.config.root, pjson: {...this.config.pjson}, bin: join(this.config.root, 'bin', 'run.js')},
      plugins: [...this.config.plugins.values()].map((plugin) => ({name: plugin.name, root: plugin.root, type: plugin.type})),
      hashers: registry.list('hasher'),
      problems: registry.problems,
      core: hostCore().directory,
      runsDir: config.get<string>('runs.dir'),
      path: process.env.PATH ?? '',
    });
    if (!this.jsonEnabled()) {
      for (const finding of report.findings) {
        this.log(`${finding.status.padEnd(4)}  ${finding.message}${finding.fix === null ? '' : ` — fix: ${finding.fix}`}`);
      }
    }
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
