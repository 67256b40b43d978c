import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** A `TokenizerFactory` and `Tokenizer` skeleton that throw "not implemented" until the model is filled in. */
export function tokenizerTemplate(names: PluginNames): ContractTemplate {
  const model = `${names.pascal}Tokenizer`;
  const factory = `${names.pascal}TokenizerFactory`;
  const modelFile = `${names.kebab}-tokenizer`;
  const factoryFile = `${names.kebab}-tokenizer-factory`;
  const modelType = names.pascal;
  const tokenizer = `import type {DecodeOptions, EncodeOptions, Encoding, SpecialTokens, Tokenizer} from '@codex-ml/core';

/**
 * A loaded ${modelType} tokenizer: normalize, split, map to ids, pad; and back. toJSON() writes a Hugging Face
 * tokenizer.json document with a stable key order ({"model": {"type": "${modelType}", …}}).
 *
 * Fill in every method. decode() of an id outside [0, vocabSize) throws a CodexError with code E_TOKENIZER naming
 * the id; pads get attentionMask 0 and specialTokensMask 1.
 */
export class ${model} implements Tokenizer {
  readonly modelType = '${modelType}';

  constructor(
    /** Token strings in id order; special tokens first. */
    readonly vocab: readonly string[],
    readonly specialTokens: SpecialTokens,
  ) {}

  get vocabSize(): number {
    return this.vocab.length;
  }

  normalize(text: string): string {
    return text;
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    throw notImplemented('encode', text.length + (options.padding ? 1 : 0));
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Encoding[] {
    return texts.map((text) => this.encode(text, options));
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    throw notImplemented('decode', ids.length + (options.skipSpecialTokens === false ? 1 : 0));
  }

  tokenToId(token: string): number | undefined {
    const id = this.vocab.indexOf(token);
    return id < 0 ? undefined : id;
  }

  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  toJSON(): string {
    throw notImplemented('toJSON', this.vocab.length);
  }
}

function notImplemented(method: string, size: number): Error {
  return new Error(\`${model}.\${method} is not implemented yet (\${size}): fill it in in src/${modelFile}.ts\`);
}
`;
  const factoryText = `import type {ProgressSink, Tokenizer, TokenizerFactory, TokenizerTrainOptions} from '@codex-ml/core';
import {${model}} from './${modelFile}.js';

/**
 * The ${modelType} model family: trains new tokenizers and loads saved ones. Config \`tokenizer.model: ${names.backend}\`
 * selects it.
 *
 * Fill in train() and load(). Training must be deterministic: the same corpus, in any order, and the same
 * options give a byte-identical toJSON(); break frequency ties explicitly (e.g. by token string).
 */
export class ${factory} implements TokenizerFactory {
  readonly modelType = '${modelType}';

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(): ${factory} {
    return new ${factory}();
  }

  async train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Tokenizer> {
    let texts = 0;
    for await (const _text of corpus) texts++;
    progress?.finish('train');
    throw new Error(
      \`${factory}.train is not implemented yet (\${texts} texts, vocabSize \${options.vocabSize}): fill it in in src/${factoryFile}.ts\`,
    );
  }

  load(json: string): ${model} {
    throw new Error(\`${factory}.load is not implemented yet (\${json.length} characters): fill it in in src/${factoryFile}.ts\`);
  }
}
`;
  const test = `import type {TokenizerTrainOptions} from '@codex-ml/core';
import {tokenizerConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {${factory}} from '../src/${factoryFile}.js';

const factory = ${factory}.create();
// Texts the model represents exactly; the round-trip invariant decodes what it encodes.
const corpus = [
  'the quick brown fox jumps over the lazy dog',
  'a tokenizer splits text into tokens',
  'the dog and the fox',
];
const options: TokenizerTrainOptions = {vocabSize: 200, minFrequency: 1, specialTokens: ['[PAD]', '[UNK]'], pipeline: {}};

async function* lines(texts: readonly string[]): AsyncGenerator<string> {
  for (const text of texts) yield text;
}

// The tokenizer contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
tokenizerConformance(test, {
  name: 'tokenizer ${names.backend}',
  create: () => factory.train(lines(corpus), options),
  load: (json) => factory.load(json),
  samples: corpus,
  training: {factory, corpus, options},
});
`;
  return {
    sources: [
      {path: `src/${modelFile}.ts`, text: tokenizer},
      {path: `src/${factoryFile}.ts`, text: factoryText},
    ],
    test: {path: `test/${modelFile}.test.ts`, text: test},
    entry: {file: `${factoryFile}.js`, export: factory},
    exports: {[modelFile]: [model], [factoryFile]: [factory]},
    implementGuide:
      `Fill in \`train()\` and \`load()\` in \`src/${factoryFile}.ts\` and the encoding methods of ` +
      `\`src/${modelFile}.ts\`; adjust the corpus in \`test/${modelFile}.test.ts\` to texts the model represents.`,
  };
}
