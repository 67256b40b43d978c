import {existsSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {CONTRACT_NAMES, CodexError, ExitCode, resolveConfig, writeFileAtomic} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {PROJECT_CONFIG, findProjectConfig} from '../cli/config-discovery.js';
import {projectConfigTemplate} from '../services/project/project-config-template.js';

export interface InitResult {
  /** The codex.yaml written. */
  readonly path: string;
  /** The project root: where relative paths in it, runs/ and .codex/cache/ live. */
  readonly root: string;
  /** A codex.yaml of an enclosing project that this one now takes the place of, for commands run here. */
  readonly shadows: string | null;
}

export default class Init extends CodexCommand<typeof Init> {
  static override summary = 'Start a project here: write a commented codex.yaml that every command below this directory reads';
  static override description =
    'codex.yaml lists every key with its doc and default, commented out, so the packaged defaults keep applying until ' +
    'a key is uncommented. Commands find it by walking up from the working directory, like dvc.yaml; runs/ and ' +
    '.codex/cache/ then live beside it wherever in the project a command runs. Refuses to replace an existing ' +
    'codex.yaml unless --force.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --dir experiments/tiny --force'];
  static override flags = {
    dir: Flags.string({description: 'Directory to write codex.yaml in (created if missing)', default: '.'}),
    force: Flags.boolean({description: 'Replace an existing codex.yaml'}),
  };

  async run(): Promise<InitResult> {
    const root = resolve(this.flags.dir);
    const path = join(root, PROJECT_CONFIG);
    if (existsSync(path) && !this.flags.force) {
      throw new CodexError('E_EXISTS', `${path} already exists`, {
        hint: 'edit it, or pass --force to replace it with a fresh commented one',
        exitCode: ExitCode.usage,
      });
    }
    const enclosing = findProjectConfig(join(root, '..'));
    const registry = await this.registry();
    const defaults = resolveConfig({env: {}, schema: registry.schema});
    const pipelineFile = join(this.config.root, 'configs', 'pipeline.yaml');
    const pipeline = resolveConfig({files: [{path: pipelineFile, role: 'defaults'}], env: {}, schema: registry.schema});
    const differing = new Map<string, unknown>();
    for (const key of registry.schema.leaves.keys()) {
      if (JSON.stringify(pipeline.get(key)) !== JSON.stringify(defaults.get(key))) differing.set(key, pipeline.get(key));
    }
    const text = projectConfigTemplate({
      schema: registry.schema,
      backends: (contract: (typeof CONTRACT_NAMES)[number]) => registry.names(contract),
      defaults: (key) => defaults.get(key),
      pipeline: differing,
    });
    await writeFileAtomic(path, text);
    if (!this.jsonEnabled()) {
      this.log(`wrote ${path}: every key commented out, the defaults apply until you uncomment one`);
      this.log(`project root ${root}: runs go to ${join(root, 'runs')}; codex config:show prints the resolved config`);
      if (enclosing !== undefined) this.log(`commands run in ${root} now read it instead of ${enclosing}`);
    }
    return {path, root, shadows: enclosing ?? null};
  }
}
