import type {HashState, Hasher} from '../contracts/hasher.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
} from './conformance-suite.js';
import {LARGE_INPUT_BYTES, fileChunks, largeInputChunks} from './large-input.js';
import {retainedResidentBytes} from './resident-set.js';
import {SeededRandom} from '../random/seeded-random.js';
import {utf8} from '../text/utf8.js';

/** A known digest: `hex` is the algorithm's digest of `input` (strings are hashed as UTF-8). */
export interface HashVector {
  readonly input: string | Uint8Array;
  readonly hex: string;
}

export interface LargeInputOptions {
  /** Stream this file; otherwise the suite streams `bytes` of its own deterministic input (see `writeLargeInput`). */
  readonly file?: string;
  /** Length of the generated input; default just over 64 MiB. Ignored with `file`. */
  readonly bytes?: number;
  /** Reference digest of the large input (from a reference tool); checked when given. */
  readonly expected?: string;
  /** Largest allowed growth of the resident set (after garbage collection) while streaming; default 24 MiB. */
  readonly maxRssGrowth?: number;
}

export interface HasherConformanceOptions {
  /** Names the implementation in test titles and messages, e.g. `hasher sha512`. */
  readonly name: string;
  /** Builds the hasher under test: typically the backend's `create({})`. */
  readonly create: () => Hasher | Promise<Hasher>;
  /**
   * Known vectors, from the algorithm's specification or a reference tool; at least one. Include the empty
   * input: it is the vector implementations most often get wrong.
   */
  readonly vectors: readonly HashVector[];
  /** The large-input check; `false` skips it (for slow reference implementations only). */
  readonly largeInput?: LargeInputOptions | false;
  /** Seed of the random inputs and splits; a failure reproduces from it. */
  readonly seed?: number;
}

export const HASHER_INVARIANTS = {
  format: 'algorithm name and digest format',
  vectors: 'known vectors',
  empty: 'empty input',
  streaming: 'streaming equals one-shot',
  reuse: 'caller may reuse buffers',
  independent: 'independent states',
  finished: 'digest ends the state',
  largeInput: 'large input in constant memory',
} as const;

const ALGORITHM_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const MiB = 1024 * 1024;

/** The invariants of the `Hasher` contract, for `registerInvariants` or `runInvariants`. */
export function hasherInvariants(options: HasherConformanceOptions): Invariant[] {
  let hasher: Promise<Hasher> | undefined;
  const subject = async (): Promise<Hasher> => {
    hasher ??= Promise.resolve(options.create());
    return await hasher;
  };
  const seed = options.seed ?? 20_240_601;
  const I = HASHER_INVARIANTS;
  const invariants: Invariant[] = [
    {
      name: I.format,
      async check() {
        const h = await subject();
        ensure(ALGORITHM_PATTERN.test(h.algorithm), I.format, `algorithm ${JSON.stringify(h.algorithm)} is not [a-z0-9][a-z0-9-]*`);
        ensure(Number.isInteger(h.digestBytes) && h.digestBytes > 0, I.format, `digestBytes ${h.digestBytes} is not a positive integer`);
        const hex = oneShot(h, bytesOf('abc'));
        ensure(
          new RegExp(`^[0-9a-f]{${h.digestBytes * 2}}$`).test(hex),
          I.format,
          `digest ${JSON.stringify(hex)} is not ${h.digestBytes * 2} lowercase hex digits (digestBytes ${h.digestBytes})`,
        );
      },
    },
    {
      name: I.vectors,
      async check() {
        const h = await subject();
        ensure(options.vectors.length > 0, I.vectors, 'no known vectors supplied; pass digests from the specification or a reference tool');
        for (const vector of options.vectors) {
          const actual = oneShot(h, bytesOf(vector.input));
          ensure(
            actual === vector.hex.toLowerCase(),
            I.vectors,
            `digest of ${describeInput(vector.input)} is ${actual}, expected ${vector.hex}`,
          );
        }
      },
    },
    {
      name: I.empty,
      async check() {
        const h = await subject();
        const untouched = h.create().digest();
        const known = options.vectors.find((vector) => bytesOf(vector.input).length === 0);
        if (known) ensure(untouched === known.hex.toLowerCase(), I.empty, `digest of no input is ${untouched}, expected ${known.hex}`);
        const state = h.create();
        state.update(new Uint8Array(0));
        ensure(state.digest() === untouched, I.empty, 'update(new Uint8Array(0)) changed the digest of no input');
        const data = bytesOf('streaming with empty updates');
        const mixed = h.create();
        mixed.update(new Uint8Array(0));
        mixed.update(data.subarray(0, 9));
        mixed.update(new Uint8Array(0));
        mixed.update(data.subarray(9));
        const plain = h.create();
        plain.update(data.subarray(0, 9));
        plain.update(data.subarray(9));
        ensure(mixed.digest() === plain.digest(), I.empty, 'empty updates between data changed the digest');
      },
    },
    {
      name: I.streaming,
      async check() {
        const h = await subject();
        const random = new SeededRandom(seed);
        // Lengths around common block sizes (64, 128, 1024 bytes) catch buffering bugs at block boundaries.
        const lengths = [1, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 4096, 65_537];
        for (let trial = 0; trial < 24; trial++) lengths.push(random.int(0, 20_000));
        for (const length of lengths) {
          const data = random.fill(new Uint8Array(length));
          const expected = oneShot(h, data);
          const state = h.create();
          const cuts = splitPoints(random, length);
          for (let i = 1; i < cuts.length; i++) state.update(data.subarray(cuts[i - 1], cuts[i]));
          const actual = state.digest();
          ensure(
            actual === expected,
            I.streaming,
            `${length} bytes fed in ${cuts.length - 1} updates (cuts ${cuts.slice(1, 6).join(',')}${cuts.length > 6 ? ',…' : ''}; seed ${seed}) digest ${actual}, one-shot ${expected}`,
          );
        }
        const small = random.fill(new Uint8Array(300));
        const byteByByte = h.create();
        for (let i = 0; i < small.length; i++) byteByByte.update(small.subarray(i, i + 1));
        ensure(byteByByte.digest() === oneShot(h, small), I.streaming, 'feeding 300 bytes one byte at a time gave another digest');
      },
    },
    {
      name: I.reuse,
      async check() {
        const h = await subject();
        const random = new SeededRandom(seed + 1);
        const data = random.fill(new Uint8Array(8192));
        // Compared with the same updates from untouched buffers, so that only buffer reuse can make a difference.
        const expected = streamed(h, data, 1000);
        const buffer = new Uint8Array(1000);
        const state = h.create();
        for (let offset = 0; offset < data.length; offset += buffer.length) {
          const piece = data.subarray(offset, offset + buffer.length);
          buffer.set(piece);
          state.update(buffer.subarray(0, piece.length));
          buffer.fill(0xa5);
        }
        ensure(
          state.digest() === expected,
          I.reuse,
          'overwriting a buffer after update() returned changed the digest (the state kept a reference)',
        );
      },
    },
    {
      name: I.independent,
      async check() {
        const h = await subject();
        const random = new SeededRandom(seed + 2);
        const a = random.fill(new Uint8Array(5000));
        const b = random.fill(new Uint8Array(7000));
        const first = h.create();
        const second = h.create();
        for (let offset = 0; offset < 7000; offset += 500) {
          if (offset < a.length) first.update(a.subarray(offset, offset + 500));
          second.update(b.subarray(offset, offset + 500));
        }
        const [da, db] = [first.digest(), second.digest()];
        // Compared with the same updates on a state of their own, so that only shared state can make a difference.
        ensure(
          da === streamed(h, a, 500) && db === streamed(h, b, 500),
          I.independent,
          'two states updated in turn did not each give their own digest',
        );
      },
    },
    {
      name: I.finished,
      async check() {
        const h = await subject();
        const state = h.create();
        state.update(bytesOf('once'));
        state.digest();
        ensure(
          throws(() => state.digest()),
          I.finished,
          'a second digest() on the same state did not throw',
        );
        ensure(
          throws(() => state.update(bytesOf('more'))),
          I.finished,
          'update() after digest() did not throw',
        );
      },
    },
  ];
  if (options.largeInput !== false) {
    const large = options.largeInput ?? {};
    invariants.push({
      name: I.largeInput,
      async check(t) {
        const h = await subject();
        // Warm up first, so that one-time allocations (WASM memory, native buffers) count in the baseline.
        oneShot(h, new Uint8Array(4 * MiB));
        const limit = large.maxRssGrowth ?? 24 * MiB;
        const baseline = retainedResidentBytes();
        let peak = baseline;
        let total = 0;
        let chunks = 0;
        const state: HashState = h.create();
        const source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = large.file
          ? fileChunks(large.file)
          : largeInputChunks(large.bytes ?? LARGE_INPUT_BYTES);
        for await (const chunk of source) {
          state.update(chunk);
          total += chunk.length;
          if (++chunks % 8 === 0) peak = Math.max(peak, retainedResidentBytes());
        }
        const digest = state.digest();
        peak = Math.max(peak, retainedResidentBytes());
        const growth = peak - baseline;
        t.log(`${options.name}: streamed ${(total / MiB).toFixed(1)} MiB, resident set grew ${(growth / MiB).toFixed(1)} MiB`);
        ensure(
          growth <= limit,
          I.largeInput,
          `streaming ${(total / MiB).toFixed(1)} MiB grew the resident set by ${(growth / MiB).toFixed(1)} MiB (limit ${(limit / MiB).toFixed(0)} MiB): the implementation buffers its input`,
        );
        if (large.expected !== undefined) {
          ensure(
            digest === large.expected.toLowerCase(),
            I.largeInput,
            `digest of the ${(total / MiB).toFixed(1)} MiB input is ${digest}, the reference digest is ${large.expected}`,
          );
        }
      },
    });
  }
  return invariants;
}

/** Registers the hasher suite with a test runner: `hasherConformance(test, {name, create, vectors})`. */
export function hasherConformance(test: ConformanceTest, options: HasherConformanceOptions): void {
  registerInvariants(test, options.name, hasherInvariants(options));
}

/** Runs the hasher suite without a test runner. */
export async function checkHasher(options: HasherConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, hasherInvariants(options));
}

function oneShot(hasher: Hasher, bytes: Uint8Array): string {
  const state = hasher.create();
  state.update(bytes);
  return state.digest();
}

function streamed(hasher: Hasher, bytes: Uint8Array, piece: number): string {
  const state = hasher.create();
  for (let offset = 0; offset < bytes.length; offset += piece) state.update(bytes.subarray(offset, offset + piece));
  return state.digest();
}

function bytesOf(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? utf8(input) : input;
}

function describeInput(input: string | Uint8Array): string {
  if (typeof input !== 'string') return `${input.length} bytes`;
  return input.length > 40 ? `"${input.slice(0, 37)}…" (${input.length} chars)` : JSON.stringify(input);
}

/** Sorted cut positions from 0 to `length`, with repeats (empty updates) allowed. */
function splitPoints(random: SeededRandom, length: number): number[] {
  const count = random.int(0, 12);
  const cuts = [0, length];
  for (let i = 0; i < count; i++) cuts.push(random.int(0, length));
  return cuts.sort((a, b) => a - b);
}

function throws(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch {
    return true;
  }
}
