import type {Encoding, EncodeOptions, Tokenizer, TokenizerFactory, TokenizerTrainOptions} from '../contracts/tokenizer.js';
import {isCodexError} from '../errors.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
  show,
} from './conformance-suite.js';

export interface TokenizerTrainingCheck {
  readonly factory: TokenizerFactory;
  readonly corpus: readonly string[];
  readonly options: TokenizerTrainOptions;
}

export interface TokenizerConformanceOptions {
  /** Names the implementation in test titles and messages, e.g. `tokenizer wordlevel`. */
  readonly name: string;
  /** A trained or loaded tokenizer to check. */
  readonly create: () => Tokenizer | Promise<Tokenizer>;
  /** Loads a tokenizer.json document: the factory's `load`. */
  readonly load: (json: string) => Tokenizer | Promise<Tokenizer>;
  /** Texts the model represents exactly (its alphabet only, for models with an unknown token). */
  readonly samples?: readonly string[];
  /** Key of the pad token in `specialTokens` (default `pad`); `false` for a tokenizer without padding. */
  readonly padToken?: string | false;
  /** Also check that training is deterministic and independent of corpus order. */
  readonly training?: TokenizerTrainingCheck;
}

export const TOKENIZER_INVARIANTS = {
  shape: 'encoding shape',
  roundTrip: 'round trip',
  special: 'special tokens',
  padding: 'padding',
  batch: 'batch equals single',
  saveLoad: 'save/load identity',
  decodeRange: 'decode rejects unknown ids',
  training: 'deterministic training',
} as const;

const DEFAULT_SAMPLES: readonly string[] = [
  'the quick brown fox jumps over the lazy dog',
  'a tokenizer splits text into tokens',
  'the dog and the fox',
];

/** The invariants of the `Tokenizer` contract. */
export function tokenizerInvariants(options: TokenizerConformanceOptions): Invariant[] {
  let tokenizer: Promise<Tokenizer> | undefined;
  const subject = async (): Promise<Tokenizer> => {
    tokenizer ??= Promise.resolve(options.create());
    return await tokenizer;
  };
  const samples = options.samples ?? DEFAULT_SAMPLES;
  const I = TOKENIZER_INVARIANTS;
  const invariants: Invariant[] = [
    {
      name: I.shape,
      async check() {
        const t = await subject();
        ensure(Number.isInteger(t.vocabSize) && t.vocabSize > 0, I.shape, `vocabSize ${t.vocabSize} is not a positive integer`);
        for (const sample of samples) {
          const encoding = t.encode(sample);
          const n = encoding.ids.length;
          for (const [field, length] of [
            ['tokens', encoding.tokens.length],
            ['offsets', encoding.offsets.length],
            ['attentionMask', encoding.attentionMask.length],
            ['specialTokensMask', encoding.specialTokensMask.length],
          ] as const) {
            ensure(length === n, I.shape, `encode(${show(sample, 40)}): ${field} has ${length} entries, ids has ${n}`);
          }
          encoding.ids.forEach((id, i) => {
            ensure(
              t.idToToken(id) === encoding.tokens[i],
              I.shape,
              `encode(${show(sample, 40)}): token ${i} is ${show(encoding.tokens[i])} but idToToken(${id}) is ${show(t.idToToken(id))}`,
            );
          });
        }
      },
    },
    {
      name: I.roundTrip,
      async check() {
        const t = await subject();
        for (const sample of samples) {
          const decoded = t.decode(t.encode(sample).ids);
          const expected = t.normalize(sample);
          ensure(
            decoded === expected,
            I.roundTrip,
            `decode(encode(${show(sample, 40)})) is ${show(decoded, 40)}, expected ${show(expected, 40)}`,
          );
        }
      },
    },
    {
      name: I.special,
      async check() {
        const t = await subject();
        const specialIds = new Set<number>();
        for (const [key, token] of Object.entries(t.specialTokens)) {
          const id = t.tokenToId(token);
          ensure(id !== undefined, I.special, `special token ${key} ${show(token)} has no id`);
          ensure(id >= 0 && id < t.vocabSize, I.special, `special token ${show(token)} has id ${id}, outside [0, ${t.vocabSize})`);
          ensure(
            t.idToToken(id) === token,
            I.special,
            `idToToken(${id}) is ${show(t.idToToken(id))}, expected special token ${show(token)}`,
          );
          specialIds.add(id);
        }
        for (const sample of samples) {
          const encoding = t.encode(sample, {addSpecialTokens: false});
          const leaked = encoding.ids.find((id) => specialIds.has(id));
          ensure(leaked === undefined, I.special, `ordinary text ${show(sample, 40)} was split into special token id ${leaked}`);
          ensure(
            encoding.specialTokensMask.every((bit) => bit === 0),
            I.special,
            `specialTokensMask of ordinary text ${show(sample, 40)} without special tokens is not all 0`,
          );
        }
      },
    },
    {
      name: I.batch,
      async check() {
        const t = await subject();
        const batch = t.encodeBatch(samples);
        ensure(batch.length === samples.length, I.batch, `encodeBatch of ${samples.length} texts returned ${batch.length} encodings`);
        samples.forEach((sample, i) => {
          ensure(
            sameIds(batch[i]?.ids ?? [], t.encode(sample).ids),
            I.batch,
            `encodeBatch(xs)[${i}] differs from encode(${show(sample, 40)})`,
          );
        });
      },
    },
    {
      name: I.saveLoad,
      async check() {
        const t = await subject();
        const json = t.toJSON();
        try {
          JSON.parse(json);
        } catch (error) {
          ensure(false, I.saveLoad, `toJSON() is not JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
        const loaded = await Promise.resolve(options.load(json));
        ensure(loaded.toJSON() === json, I.saveLoad, 'load(toJSON()).toJSON() differs from toJSON()');
        ensure(
          loaded.vocabSize === t.vocabSize,
          I.saveLoad,
          `the loaded tokenizer has vocabSize ${loaded.vocabSize}, expected ${t.vocabSize}`,
        );
        for (const sample of samples) {
          const [a, b] = [t.encode(sample), loaded.encode(sample)];
          ensure(
            sameIds(a.ids, b.ids) && JSON.stringify(a.offsets) === JSON.stringify(b.offsets),
            I.saveLoad,
            `the loaded tokenizer encodes ${show(sample, 40)} differently`,
          );
        }
      },
    },
    {
      name: I.decodeRange,
      async check() {
        const t = await subject();
        let thrown: unknown;
        try {
          t.decode([t.vocabSize]);
        } catch (error) {
          thrown = error;
        }
        ensure(thrown !== undefined, I.decodeRange, `decode([${t.vocabSize}]) (= vocabSize) did not throw`);
        ensure(
          isCodexError(thrown) && thrown.code === 'E_TOKENIZER' && thrown.message.includes(String(t.vocabSize)),
          I.decodeRange,
          `decode([${t.vocabSize}]) must throw a CodexError E_TOKENIZER naming the id; got ${thrown instanceof Error ? thrown.message : show(thrown)}`,
        );
      },
    },
  ];
  if (options.padToken !== false) {
    const padKey = options.padToken ?? 'pad';
    invariants.push({
      name: I.padding,
      async check() {
        const t = await subject();
        const padToken = t.specialTokens[padKey];
        ensure(
          padToken !== undefined,
          I.padding,
          `specialTokens has no ${show(padKey)} entry (pass padToken: false if the model has no padding)`,
        );
        const padId = t.tokenToId(padToken);
        for (const side of ['right', 'left'] as const) {
          for (const sample of samples) {
            const plain = t.encode(sample);
            const target = plain.ids.length + 3;
            const padded = t.encode(sample, {padding: {length: target, side}});
            checkPadded(padded, target, plain.ids.length, padId, side, `encode(${show(sample, 30)}, pad ${side} to ${target})`);
          }
        }
        const longest = Math.max(...samples.map((sample) => t.encode(sample).ids.length));
        const options: EncodeOptions = {padding: {length: 'longest', side: 'right'}};
        t.encodeBatch(samples, options).forEach((row, i) => {
          const real = t.encode(samples[i] ?? '').ids.length;
          checkPadded(row, longest, real, padId, 'right', `encodeBatch row ${i} padded to the longest (${longest})`);
        });
      },
    });
  }
  if (options.training) {
    const {factory, corpus, options: trainOptions} = options.training;
    invariants.push({
      name: I.training,
      async check() {
        const first = await factory.train(iterate(corpus), trainOptions);
        const reversed = await factory.train(iterate([...corpus].reverse()), trainOptions);
        ensure(
          first.toJSON() === reversed.toJSON(),
          I.training,
          'training on the same corpus in another order gave another tokenizer.json',
        );
        ensure(factory.load(first.toJSON()).toJSON() === first.toJSON(), I.training, 'factory.load(t.toJSON()) does not reproduce t');
      },
    });
  }
  return invariants;
}

/** Registers the tokenizer suite with a test runner. */
export function tokenizerConformance(test: ConformanceTest, options: TokenizerConformanceOptions): void {
  registerInvariants(test, options.name, tokenizerInvariants(options));
}

/** Runs the tokenizer suite without a test runner. */
export async function checkTokenizer(options: TokenizerConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, tokenizerInvariants(options));
}

function checkPadded(
  encoding: Encoding,
  length: number,
  real: number,
  padId: number | undefined,
  side: 'left' | 'right',
  what: string,
): void {
  const I = TOKENIZER_INVARIANTS.padding;
  ensure(encoding.ids.length === length, I, `${what}: ${encoding.ids.length} ids`);
  ensure(encoding.attentionMask.length === length, I, `${what}: attentionMask has ${encoding.attentionMask.length} entries`);
  for (let i = 0; i < length; i++) {
    const isPad = side === 'right' ? i >= real : i < length - real;
    ensure(
      encoding.attentionMask[i] === (isPad ? 0 : 1),
      I,
      `${what}: attentionMask[${i}] is ${encoding.attentionMask[i]}, expected ${isPad ? 0 : 1}`,
    );
    if (isPad) {
      ensure(encoding.ids[i] === padId, I, `${what}: id ${i} is ${encoding.ids[i]}, expected the pad id ${padId}`);
      ensure(encoding.specialTokensMask[i] === 1, I, `${what}: specialTokensMask of pad ${i} is not 1`);
    }
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

async function* iterate(texts: readonly string[]): AsyncGenerator<string> {
  for (const text of texts) yield text;
}
