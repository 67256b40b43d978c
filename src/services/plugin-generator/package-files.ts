import {API_VERSION, BACKEND_CONFIG_KEYS} from '@codex-ml/core';
import type {ContractTemplate, GeneratedFile} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** Tool versions a generated plugin builds and tests with: the ones the host is built and tested with. */
const TOOLS = {'@types/node': '^20.19.0', ava: '^7.0.0', typescript: '^7.0.2'} as const;

export interface PackageInputs {
  readonly names: PluginNames;
  readonly template: ContractTemplate;
  /** Version range of core the plugin accepts at run time (peer dependency). */
  readonly corePeerRange: string;
  /** Where the plugin's own build and tests get core (see `coreDevDependency`). */
  readonly coreDevSpec: string;
}

/** The files every generated plugin has whatever its contract: package.json, tsconfig, hook, index, README. */
export function packageFiles(inputs: PackageInputs): GeneratedFile[] {
  return [
    {path: 'package.json', text: `${JSON.stringify(packageJson(inputs), null, 2)}\n`},
    {path: 'tsconfig.json', text: formatJson(TSCONFIG)},
    {path: '.gitignore', text: 'node_modules/\ndist/\n*.tgz\n'},
    {path: 'src/hooks/register.ts', text: registerHook(inputs)},
    {path: 'src/index.ts', text: indexFile(inputs.template)},
    {path: 'README.md', text: readme(inputs)},
  ];
}

/**
 * The API range a new plugin declares: the running core API's major version, or from the version that added
 * the plugin's contract, so that older hosts refuse it in one line instead of failing to register it.
 */
export function apiRange(since?: string): string {
  return `^${since ?? `${API_VERSION.split('.')[0]}.0.0`}`;
}

function packageJson({names, template, corePeerRange, coreDevSpec}: PackageInputs): Record<string, unknown> {
  return {
    name: names.packageName,
    version: '0.1.0',
    description: `${names.backend} ${names.contract} backend for codex-ml`,
    license: 'MIT',
    type: 'module',
    keywords: ['codex-ml', 'codex-ml-plugin', `codex-ml-${names.contract}`, 'oclif-plugin'],
    main: './dist/src/index.js',
    types: './dist/src/index.d.ts',
    files: ['dist/src'],
    engines: {node: '>=20.19'},
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'tsc -p tsconfig.json && ava',
      prepack: 'tsc -p tsconfig.json',
    },
    oclif: {hooks: {'codex:register': './dist/src/hooks/register.js'}},
    codex: {apiRange: apiRange(template.since)},
    peerDependencies: {'@codex-ml/core': corePeerRange, ...template.peerDependencies},
    devDependencies: sortKeys({'@codex-ml/core': coreDevSpec, ...TOOLS, ...template.devDependencies}),
    ava: {files: ['dist/test/**/*.test.js'], workerThreads: false, timeout: '2m'},
  };
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    declaration: true,
    sourceMap: true,
    skipLibCheck: true,
    rootDir: '.',
    outDir: 'dist',
    types: ['node'],
  },
  include: ['src/**/*.ts', 'test/**/*.ts'],
};

function registerHook({names, template}: PackageInputs): string {
  const backends = [
    {
      contract: names.contract,
      name: names.backend,
      file: template.entry.file,
      export: template.entry.export,
      description: `${names.backend} ${names.contract} (${names.packageName})`,
    },
    ...(template.alsoRegisters ?? []),
  ];
  const calls = backends.map(
    (backend) => `  registry.register('${backend.contract}', '${backend.name}', {
    description: '${backend.description}',
    module: new URL('../${backend.file}', import.meta.url).href,
    export: '${backend.export}',
  });
`,
  );
  return `import {definePlugin} from '@codex-ml/core';

// Runs at every codex start-up: keep it light. The implementation is imported only when config selects it.
export default definePlugin((registry) => {
${calls.join('')}});
`;
}

function indexFile(template: ContractTemplate): string {
  return Object.entries(template.exports)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, names]) => `export {${[...names].sort().join(', ')}} from './${file}.js';\n`)
    .join('');
}

function readme({names, template, corePeerRange}: PackageInputs): string {
  const key = BACKEND_CONFIG_KEYS[names.contract];
  const [top, ...rest] = key.split('.');
  const yaml =
    names.contract === 'training-engine'
      ? `training:\n  engine: ${names.backend}\n  optimizer:\n    name: ${names.backend}-sgd   # an optimizer that serves the engine`
      : rest.length === 0
        ? `${key}: ${names.backend}`
        : nestedYaml([top ?? key, ...rest], names.backend);
  const tryIt =
    names.contract === 'hasher'
      ? `codex hash README.md --set ${key}=${names.backend}`
      : names.contract === 'training-engine'
        ? `codex train --set ${key}=${names.backend} --set training.optimizer.name=${names.backend}-sgd --set training.data=<data run> --set training.tokenizer=<tokenizer.json>`
        : 'codex backends';
  return `# ${names.packageName}

A \`${names.contract}\` backend named \`${names.backend}\` for the codex-ml CLI.

## Develop

\`\`\`sh
npm install        # build and test tools, and @codex-ml/core from devDependencies
npm test           # builds, then runs the ${names.contract} conformance suite
\`\`\`

${template.implementGuide} Until then \`npm test\` fails, and each failure names the contract invariant that does
not hold yet, e.g. \`${names.contract} ${names.backend} violates the conformance invariant "…"\`.

## Try it in codex

\`\`\`sh
npm run build
codex plugins:link .            # use the working copy
codex backends                  # lists ${names.backend} under ${names.contract}
${tryIt}
codex plugins:uninstall ${names.packageName}
\`\`\`

Select it for every command with a config file (\`--config codex.yaml\`):

\`\`\`yaml
${yaml}
\`\`\`

or per command with \`--set ${key}=${names.backend}\`, or the environment (\`CODEX_${key.toUpperCase().replaceAll('.', '_')}=${names.backend}\`).

## Install from a tarball or the registry

\`\`\`sh
npm pack                                           # builds and writes ${names.packageName.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz
codex plugins:install file:$PWD/${names.packageName.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz
npm publish                                        # then: codex plugins:install ${names.packageName}
\`\`\`

## Compatibility

\`package.json\` declares \`"codex": {"apiRange": "${apiRange(template.since)}"}\`, the plugin API this plugin was built for; codex
refuses the plugin, in one line, when its API version is outside that range. \`@codex-ml/core\` is a peer
dependency (\`${corePeerRange}\`): codex provides it, so that the plugin and the CLI share one copy.
`;
}

function nestedYaml(path: readonly string[], value: string): string {
  return path.map((part, depth) => `${'  '.repeat(depth)}${part}:${depth === path.length - 1 ? ` ${value}` : ''}`).join('\n');
}

/** JSON with two-space indents and arrays of strings on one line, as formatters write tsconfig.json. */
function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(
    /\[\n\s*("[^"\n]*"(?:,\n\s*"[^"\n]*")*)\n\s*\]/g,
    (_match, items: string) => `[${items.replace(/,\n\s*/g, ', ')}]`,
  )}\n`;
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
