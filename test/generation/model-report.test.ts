import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import test from 'ava';
import {chromium} from 'playwright-core';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {type GenerateJson, type TrainedWorkspace, trainedWorkspace} from './generation_fixtures.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

test('runs:report of a training and of an evaluation run shows the summary card, seeded samples and tokenizer statistics in Chromium', async (t) => {
  const dir = await tempDir('codex-model-report-');
  t.teardown(dir.cleanup);
  const {runId, runDir} = (await trainedWorkspace(dir.path)) as TrainedWorkspace;
  const cli = (args: readonly string[]) => runCli(args, {cwd: dir.path});
  const evaluated = await cli(['evaluate', runId, '--split', 'test', '--json']);
  t.is(evaluated.code, 0, evaluated.stderr);
  const evaluation = JSON.parse(evaluated.stdout) as {runId: string; loss: number; perplexity: number};

  const report = async (id: string, options: string[] = ['--samples', '2']) => {
    const result = await cli(['runs:report', id, '--seed', '5', '--json', ...options]);
    t.is(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as {path: string; sections: string[]};
  };
  const ofEvaluation = await report(evaluation.runId);
  const ofTraining = await report(runId);
  const expectedSections = ['summary', 'model', 'samples', 'curves', 'splits', 'tokenizer', 'lineage', 'artifacts', 'config'];
  t.deepEqual(ofEvaluation.sections, expectedSections);
  t.deepEqual(ofTraining.sections, expectedSections);
  t.deepEqual(
    (await report(runId, ['--samples', '0', '--out', 'plain.html'])).sections,
    expectedSections.filter((s) => s !== 'samples'),
  );

  // The samples are what `codex generate` draws with the report's settings and seed.
  const generated = await cli([
    'generate',
    runId,
    '--prompt',
    '',
    '--temperature',
    '0.8',
    '--top-k',
    '40',
    '--top-p',
    '0.95',
    '--max-tokens',
    '48',
    '--seed',
    '5',
    '--num-samples',
    '2',
    '--json',
  ]);
  t.is(generated.code, 0, generated.stderr);
  const samples = (JSON.parse(generated.stdout) as GenerateJson).samples.map((sample) => sample.text);
  const training = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as {finalLoss: number; finalValLoss: number};

  const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS});
  t.teardown(() => browser.close());
  const page = await browser.newPage({viewport: {width: 1100, height: 900}});
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => requests.push(request.url()));

  await page.goto(pathToFileURL(ofEvaluation.path).href, {waitUntil: 'load'});
  const card = new Map<string, string>();
  for (const item of await page.locator('section#model .card > div').all()) {
    card.set((await item.locator('.label').textContent()) ?? '', (await item.locator('.value').textContent()) ?? '');
  }
  for (const label of [
    'final train loss',
    'final val loss',
    'val perplexity',
    'test loss',
    'test perplexity',
    'tokens/s (training)',
    'wall time',
    'parameters',
  ]) {
    t.true(card.has(label), `the card shows ${label}`);
  }
  const shown = (label: string) => Number((card.get(label) ?? '').replace(/,/g, ''));
  t.is(shown('final train loss'), Number(training.finalLoss.toPrecision(4)));
  t.is(shown('final val loss'), Number(training.finalValLoss.toPrecision(4)));
  t.is(shown('test perplexity'), Number(evaluation.perplexity.toPrecision(4)));
  t.true(shown('parameters') > 10_000);
  t.true(await page.locator('section#model .card').isVisible());

  const texts = await page.locator('section#samples .sample').allTextContents();
  t.deepEqual(texts, samples, 'the report shows the seeded samples codex generate draws');
  t.true(texts.every((text) => text.length > 0));
  t.true(await page.locator('section#samples .sample').first().isVisible());

  const tokenizer = new Map<string, string>();
  for (const row of await page.locator('section#tokenizer tr').all()) {
    const cells = await row.locator('td').allTextContents();
    tokenizer.set(cells[0] ?? '', cells[1] ?? '');
  }
  t.true(Number(tokenizer.get('vocabulary size')?.replace(/,/g, '')) > 200);
  const bytesPerToken = Number(tokenizer.get('bytes per token (validation split)'));
  t.true(bytesPerToken > 1 && bytesPerToken < 10, `bytes per token ${bytesPerToken}`);
  t.is(tokenizer.get('unknown rate (validation split)'), '0', 'byte-level BPE has no unknown token');
  await page.screenshot({path: join(dir.path, 'model-report.png'), fullPage: true});

  t.deepEqual(problems, []);
  t.deepEqual(
    requests.filter((url) => !url.startsWith('file://')),
    [],
  );
});
