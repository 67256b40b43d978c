import {hasherConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {Sha512Hasher} from '../src/sha512-hasher.js';

// The hasher contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
// Serial, because the large-input invariant measures this process's memory while streaming 64 MiB.
hasherConformance(test.serial, {
  name: 'hasher sha512',
  create: () => Sha512Hasher.create(),
  // From FIPS 180-2 and `printf … | sha512sum`.
  vectors: [
    {
      input: '',
      hex: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    },
    {
      input: 'abc',
      hex: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    },
  ],
});
