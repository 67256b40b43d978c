import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** A `Splitter` skeleton whose `split` throws "not implemented" until the assignment rule is filled in. */
export function splitterTemplate(names: PluginNames): ContractTemplate {
  const className = `${names.pascal}Splitter`;
  const file = `${names.kebab}-splitter`;
  const implementation = `import type {SplitAssignment, SplitRequest, Splitter} from '@codex-ml/core';

/**
 * Assigns every dataset item to one named split.
 *
 * Fill in split(): validate the request (ratios in (0, 1] summing to 1, unique split names and ids, at least
 * as many items as splits; otherwise throw a CodexError with code E_SPLIT), then assign each id. Randomness
 * comes from request.seed only, never Math.random, and the result must not depend on the order of items or
 * ratios: rank by a keyed hash of (seed, id), or shuffle a sorted copy with a seeded RNG.
 */
export class ${className} implements Splitter {
  readonly name = '${names.backend}';

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(): ${className} {
    return new ${className}();
  }

  split(request: SplitRequest): SplitAssignment {
    throw new Error(\`${className} is not implemented yet (\${request.items.length} items): fill in split() in src/${file}.ts\`);
  }
}
`;
  const test = `import {splitterConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {${className}} from '../src/${file}.js';

// The splitter contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
splitterConformance(test, {
  name: 'splitter ${names.backend}',
  create: () => ${className}.create(),
  // The documented size rule: 0 = exact largest-remainder sizes; 0.02 = within 2% of the ratios.
  tolerance: 0,
});
`;
  return {
    sources: [{path: `src/${file}.ts`, text: implementation}],
    test: {path: `test/${file}.test.ts`, text: test},
    entry: {file: `${file}.js`, export: className},
    exports: {[file]: [className]},
    implementGuide: `Fill in \`split()\` in \`src/${file}.ts\` and state its size rule as \`tolerance\` in \`test/${file}.test.ts\`.`,
  };
}
