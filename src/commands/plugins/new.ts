import {Args, Flags} from '@oclif/core';
import {CONTRACT_NAMES, type ContractName} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {type GeneratedPlugin, PluginGenerator} from '../../services/plugin-generator/plugin-generator.js';

export default class PluginsNew extends CodexCommand<typeof PluginsNew> {
  static override summary =
    'Scaffold a plugin package that adds a backend (hasher, splitter, tokenizer, optimizer, manifest store, training engine)';
  static override description =
    'Creates <dir>/codex-plugin-<name>: package.json (oclif plugin, @codex-ml/core as peer dependency, declared API ' +
    'range), a typed implementation skeleton, the codex:register hook, an ava test running the contract’s ' +
    'conformance suite, and a README. `npm test` there fails, naming the unmet invariants, until the skeleton is ' +
    'filled in.';
  static override examples = [
    '<%= config.bin %> plugins:new sha512 --contract hasher',
    '<%= config.bin %> plugins:new wordlevel --contract tokenizer --dir ~/src',
    '<%= config.bin %> plugins:new bigram --contract training-engine',
  ];
  static override args = {name: Args.string({description: 'Backend name users select in config, e.g. sha512', required: true})};
  static override flags = {
    contract: Flags.string({description: 'Contract the backend implements', options: [...CONTRACT_NAMES], required: true}),
    dir: Flags.string({description: 'Directory to create the plugin folder in', default: '.'}),
    package: Flags.string({description: 'npm package name (default codex-plugin-<name>)'}),
    core: Flags.string({
      description: 'How the plugin’s build gets @codex-ml/core: a version range or file:<path> (default: the core this codex runs)',
    }),
  };

  async run(): Promise<GeneratedPlugin> {
    const result = await new PluginGenerator().generate({
      name: this.args.name,
      contract: this.flags.contract as ContractName,
      parent: this.flags.dir,
      packageName: this.flags.package,
      coreSpec: this.flags.core,
    });
    if (!this.jsonEnabled()) {
      this.log(`created ${result.packageName} (${result.contract} "${result.backend}") in ${result.directory}`);
      for (const file of result.files) this.log(`  ${file}`);
      this.log('next:');
      this.log(`  cd ${result.directory} && npm install && npm test   # fails until the skeleton is filled in`);
      this.log(`  codex plugins:link ${result.directory}   # then select it: --set ${result.configKey}=${result.backend}`);
    }
    return result;
  }
}
