import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** A `Hasher` skeleton whose states throw "not implemented" until the algorithm is filled in. */
export function hasherTemplate(names: PluginNames): ContractTemplate {
  const className = `${names.pascal}Hasher`;
  const file = `${names.kebab}-hasher`;
  // The checksum prefix must match [a-z0-9][a-z0-9-]*; backend names may also contain "." and "_".
  const algorithm = names.backend.replace(/[._]+/g, '-');
  const implementation = `import type {HashState, Hasher} from '@codex-ml/core';

/**
 * The ${algorithm} hash algorithm. Checksums written with it read "${algorithm}:<hex>".
 *
 * Fill in create(): keep the algorithm's running state in the closure, feed it in update() and finish it in
 * digest(). Never buffer the input: files arrive in 1 MiB chunks and may be many gigabytes long.
 */
export class ${className} implements Hasher {
  readonly algorithm = '${algorithm}';
  /** Length of the digest in bytes: set it to the algorithm's. */
  readonly digestBytes = 32;

  /** Entry point of the registered backend (see src/hooks/register.ts); called once per process. */
  static create(): ${className} {
    return new ${className}();
  }

  create(): HashState {
    let finished = false;
    return {
      update: (bytes) => {
        if (finished) throw new Error(FINISHED);
        // Fill in: feed \`bytes\` to the running state. The caller reuses the buffer once this returns.
        throw notImplemented(bytes.length);
      },
      digest: () => {
        if (finished) throw new Error(FINISHED);
        finished = true;
        // Fill in: finish the running state and return its digest as lowercase hex (digestBytes * 2 digits).
        throw notImplemented(0);
      },
    };
  }
}

const FINISHED = 'digest() was already called on this hash state';

function notImplemented(bytes: number): Error {
  return new Error(\`${className} is not implemented yet (\${bytes} bytes): fill in create() in src/${file}.ts\`);
}
`;
  const test = `import {hasherConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {${className}} from '../src/${file}.js';

// The hasher contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
// Serial, because the large-input invariant measures this process's memory while streaming 64 MiB.
hasherConformance(test.serial, {
  name: 'hasher ${names.backend}',
  create: () => ${className}.create(),
  // Known vectors from the algorithm's specification or a reference tool (e.g. printf abc | <tool>).
  // Include the empty input, e.g. {input: '', hex: '…'}.
  vectors: [],
});
`;
  return {
    sources: [{path: `src/${file}.ts`, text: implementation}],
    test: {path: `test/${file}.test.ts`, text: test},
    entry: {file: `${file}.js`, export: className},
    exports: {[file]: [className]},
    implementGuide:
      `Fill in \`create()\` in \`src/${file}.ts\` (update the running state in \`update\`, return lowercase hex from ` +
      `\`digest\`), set \`digestBytes\`, and add known vectors to \`test/${file}.test.ts\`.`,
  };
}
