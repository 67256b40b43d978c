/**
 * Conformance kit: one suite per contract, run by every implementation in its own tests. Suites take the test
 * runner's `test` function as a parameter, so core does not depend on a test runner:
 *
 * ```ts
 * import test from 'ava';
 * import {hasherConformance} from '@codex-ml/core/testing';
 * hasherConformance(test, {name: 'hasher sha512', create: () => Sha512Hasher.create(), vectors: [...]});
 * ```
 */
export * from './conformance-suite.js';
// Conformance inputs are drawn from core's one seeded generator; re-exported for suites' users.
export {SeededRandom} from '../random/seeded-random.js';
export * from './large-input.js';
export * from './hasher-conformance.js';
export * from './splitter-conformance.js';
export * from './tokenizer-conformance.js';
export * from './optimizer-conformance.js';
export * from './manifest-store-conformance.js';
export * from './training-engine-conformance.js';
export * from './float-bits.js';
export * from './executor-conformance.js';
export {ConformanceJobRunner} from './conformance-job-runner.js';
