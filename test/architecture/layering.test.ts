import {mkdir, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import test from 'ava';
import {repoRoot, tempDir} from '../helpers/run-cli.js';
import {checkLayering} from './import-graph.js';

test('core imports no host or plugin code, the host no plugin, and no plugin another plugin or the host', async (t) => {
  const {violations, graph} = await checkLayering(repoRoot);
  t.deepEqual(
    violations.map((violation) => `${violation.file}: ${violation.rule} ('${violation.specifier}')`),
    [],
  );
  // The graph is real: each layer was read, and reaches core.
  for (const node of ['host', 'plugin:hashers', 'plugin:tfjs', 'plugin:tokenizers']) t.true(graph.get(node)?.has('core'), node);
  t.false([...(graph.get('core') ?? [])].some((target) => target === 'host' || target.startsWith('plugin:')));
});

test('each rule is caught: core → host, core → plugin, host → plugin package, plugin → plugin, plugin → host', async (t) => {
  const dir = await tempDir('codex-layering-');
  t.teardown(dir.cleanup);
  const files: Record<string, string> = {
    'src/core/src/kernel.ts': "import {Hash} from '../../commands/hash.js';\nexport const k = 1;\n",
    'src/core/src/registry.ts': "const tf = await import('@codex-ml/plugin-tfjs');\n",
    'src/commands/hash.ts': "import {Sha256Hasher} from '@codex-ml/plugin-hashers';\nimport {Kernel} from '@codex-ml/core';\n",
    'src/services/train.ts': "export {GptModel} from '../../plugins/tfjs/src/gpt-model.js';\n",
    'plugins/tfjs/src/engine.ts': "import {BpeModel} from '@codex-ml/plugin-tokenizers/dist/src/bpe/bpe-model.js';\nimport './own.js';\n",
    'plugins/tfjs/src/own.ts': "import {CodexError} from '@codex-ml/core';\n",
    'plugins/hashers/src/hasher.ts': "import {HashService} from '../../../src/services/hash-service.js';\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir.path, path)), {recursive: true});
    await writeFile(join(dir.path, path), text);
  }
  const {violations} = await checkLayering(dir.path);
  t.deepEqual(
    violations.map((violation) => `${violation.file}: ${violation.rule}`),
    [
      'plugins/hashers/src/hasher.ts: plugin hashers imports the host',
      'plugins/tfjs/src/engine.ts: plugin tfjs imports plugin tokenizers',
      'src/commands/hash.ts: the host imports plugin hashers',
      'src/core/src/kernel.ts: core imports the host',
      'src/core/src/registry.ts: core imports the plugin tfjs',
      'src/services/train.ts: the host imports plugin tfjs',
    ],
  );
});
