// WordPiece rows of `npm run bench:tokenizer`: codex's WordPiece trainer beside the default WordPiece trainer of
// Hugging Face tokenizers, both with the BERT pipeline (BertNormalizer + BertPreTokenizer), 30,000 tokens.
// Imported by tokenizer.js for its rows; run directly, it is one timed training task in its own process (so that
// peak RSS belongs to that task alone): node scripts/bench/tokenizer-wordpiece.js <codex|hf> <corpus> <out.json>
import {spawnSync} from 'node:child_process';
import {createReadStream, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = resolve(here, '../../..');
const require = createRequire(join(root, 'plugins/tokenizers/package.json'));

/** The corpus file in 1 MB texts cut at line ends (a word never spans two texts). */
async function* chunks(file) {
  let rest = '';
  for await (const chunk of createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})) {
    const text = rest + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    rest = text.slice(cut);
    if (cut > 0) yield text.slice(0, cut);
  }
  if (rest) yield rest;
}

const tasks = {
  /** codex WordPiece: 30,000 tokens including [PAD] [BOS] [EOS] [UNK]; min frequency 0 as Hugging Face's default. */
  async codex(corpus, out) {
    const {WordPieceTokenizerFactory} = await import('../../plugins/tokenizers/dist/src/wordpiece/wordpiece-tokenizer-factory.js');
    const started = performance.now();
    const tokenizer = await new WordPieceTokenizerFactory().train(chunks(corpus), {
      vocabSize: 30_000,
      minFrequency: 0,
      specialTokens: [],
      pipeline: {},
    });
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(out, tokenizer.toJSON());
    return seconds;
  },
  /** Hugging Face tokenizers: Tokenizer.train with the WordPiece model's default trainer (30,000 tokens). */
  async hf(corpus, out) {
    const {Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, wordPieceDecoder} = require('tokenizers');
    const tokenizer = new Tokenizer(WordPiece.empty());
    tokenizer.setNormalizer(bertNormalizer());
    tokenizer.setPreTokenizer(bertPreTokenizer());
    tokenizer.setDecoder(wordPieceDecoder());
    const started = performance.now();
    tokenizer.train([corpus]);
    const seconds = (performance.now() - started) / 1000;
    tokenizer.save(out);
    return seconds;
  },
};

function task(name, corpus, out) {
  const result = spawnSync(process.execPath, [here, name, corpus, out], {encoding: 'utf8', maxBuffer: 1 << 24});
  if (result.status !== 0) throw new Error(`WordPiece ${name} training failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** Rows for tokenizer.js; `work` is its scratch directory. */
export function wordPieceRows(work) {
  const files = {ours: join(work, 'codex-wordpiece.json'), theirs: join(work, 'hf-wordpiece.json')};
  let training;
  return [
    {
      name: 'WordPiece training to 30,000 tokens: wall time (s)',
      async run(context) {
        const ours = task('codex', context.corpusFile, files.ours);
        const theirs = task('hf', context.corpusFile, files.theirs);
        training = {ours, theirs};
        return {ours: ours.seconds, theirs: theirs.seconds, unit: 's', higherIsBetter: false, target: 1.0};
      },
    },
    {
      name: 'WordPiece training: peak RSS (MB)',
      async run() {
        return {ours: training.ours.maxRssMb, theirs: training.theirs.maxRssMb, unit: 'MB', higherIsBetter: false, target: 2.0};
      },
    },
    {
      name: 'WordPiece bytes/token on held-out nlp-corpus text',
      async run(context) {
        const {WordPieceTokenizerFactory} = await import('../../plugins/tokenizers/dist/src/wordpiece/wordpiece-tokenizer-factory.js');
        const {Tokenizer} = require('tokenizers');
        const factory = new WordPieceTokenizerFactory();
        const ours = factory.load(readFileSync(files.ours, 'utf8'), files.ours);
        const theirs = factory.load(readFileSync(files.theirs, 'utf8'), files.theirs);
        // Checked: both files give the same ids here as in Hugging Face tokenizers.
        for (const [tokenizer, file] of [
          [ours, files.ours],
          [theirs, files.theirs],
        ]) {
          const native = Tokenizer.fromFile(file);
          for (const text of context.heldOut.slice(0, 200)) {
            const expected = await native.encode(text, null, {addSpecialTokens: false}).then(
              (encoding) => encoding.getIds(),
              () => undefined,
            );
            if (expected === undefined) continue;
            if (JSON.stringify(tokenizer.encodeIds(text, false)) !== JSON.stringify(expected))
              throw new Error(`WordPiece ids differ on ${text}`);
          }
        }
        // Hugging Face's default trainer adds no [UNK]: compare on the lines its vocabulary can spell.
        let bytes = 0;
        let [mine, reference] = [0, 0];
        for (const text of context.heldOut) {
          let count;
          try {
            count = theirs.encodeIds(text, false).length;
          } catch {
            continue;
          }
          bytes += Buffer.byteLength(text);
          reference += count;
          mine += ours.encodeIds(text, false).length;
        }
        return {ours: bytes / mine, theirs: bytes / reference, unit: 'B/token', higherIsBetter: true, target: 0.99};
      },
    },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === here) {
  const [name, corpus, out] = process.argv.slice(2);
  const run = tasks[name];
  if (!run) throw new Error(`unknown WordPiece task ${name}; known: ${Object.keys(tasks).join(', ')}`);
  const seconds = await run(corpus, out);
  process.stdout.write(`${JSON.stringify({seconds, maxRssMb: process.resourceUsage().maxRSS / 1024})}\n`);
}
