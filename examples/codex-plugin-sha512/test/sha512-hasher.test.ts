import {hasherConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {Sha512Hasher} from '../src/sha512-hasher.js';

// The hasher contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
// Serial, because the large-input invariant measures this process's memory while streaming 64 MiB.
hasherConformance(test.serial, {
  name: 'hasher sha512',
  create: () => Sha512Hasher.create(),
  // Known vectors from the algorithm's specification or a reference tool (e.g. printf abc | <tool>).
  // Include the empty input, e.g. {input: '', hex: '…'}.
  vectors: [],
});
