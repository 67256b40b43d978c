// One timed task of `npm run bench:tokenizer`, run in its own process so that peak RSS belongs to it alone.
// Usage: node scripts/bench/tokenizer-task.js <task> <corpus-file> <out-tokenizer.json>
// Prints one JSON line: {seconds, maxRssMb}.
import {createReadStream, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const [task, corpus, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);

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
  /** codex byte-level BPE, 30,000 tokens, specials [PAD] [BOS] [EOS]. */
  async 'train-bpe-codex'() {
    const {BpeTokenizerFactory} = await import('../../plugins/tokenizers/dist/src/index.js');
    const started = performance.now();
    const tokenizer = await new BpeTokenizerFactory().train(chunks(corpus), {
      vocabSize: 30_000,
      minFrequency: 0,
      specialTokens: ['[PAD]', '[BOS]', '[EOS]'],
      pipeline: {},
    });
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(out, tokenizer.toJSON());
    return seconds;
  },
  /** Hugging Face tokenizers (Rust via napi): Tokenizer.train with the BPE model's default trainer (30,000). */
  async 'train-bpe-hf'() {
    const {Tokenizer, BPE, byteLevelPreTokenizer} = require('tokenizers');
    const tokenizer = new Tokenizer(BPE.empty());
    tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
    const started = performance.now();
    tokenizer.train([corpus]);
    const seconds = (performance.now() - started) / 1000;
    tokenizer.save(out);
    return seconds;
  },
};

const run = tasks[task];
if (!run) throw new Error(`unknown task ${task}; known: ${Object.keys(tasks).join(', ')}`);
const seconds = await run();
process.stdout.write(`${JSON.stringify({seconds, maxRssMb: process.resourceUsage().maxRSS / 1024})}\n`);
