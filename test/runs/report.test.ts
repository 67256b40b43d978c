import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import test from 'ava';
import {chromium} from 'playwright-core';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {SyntheticRuns, openStore} from './synthetic-runs.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

test('runs:report renders in headless Chromium: no console errors, no network, one curve point per metrics line', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('sqlite', runsDir);
  const {data, tokenizer, training, metricsLines} = await new SyntheticRuns(runsDir, store).pipeline(120, 10);
  await store.close();
  const metricsText = await readFile(join(runsDir, training.runId, 'metrics.ndjson'), 'utf8');
  const fileLines = metricsText.split('\n').filter((line) => line.trim() !== '').length;
  t.is(fileLines, metricsLines);

  const report = async (runId: string) => {
    const result = await runCli(['runs:report', runId, '--json', '--set', 'manifest.store=sqlite'], {cwd: dir.path});
    t.is(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as {path: string; sections: string[]; metricsLines: number};
  };
  const full = await report(training.runId);
  t.deepEqual(full.sections, ['summary', 'curves', 'splits', 'tokenizer', 'lineage', 'artifacts', 'config']);
  t.is(full.path, join(runsDir, training.runId, 'report.html'));
  const dataOnly = await report(data.runId);
  t.deepEqual(dataOnly.sections, ['summary', 'splits', 'lineage', 'artifacts', 'config'], 'a data run renders the data part only');

  const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS});
  t.teardown(() => browser.close());
  const page = await browser.newPage({viewport: {width: 1100, height: 900}});
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));

  await page.goto(pathToFileURL(full.path).href, {waitUntil: 'load'});
  const pointsOf = async (series: string) => {
    const points = (await page.locator(`polyline[data-series="${series}"]`).getAttribute('points')) ?? '';
    return points.trim() === '' ? 0 : points.trim().split(/\s+/).length;
  };
  const loss = await pointsOf('loss');
  const valLoss = await pointsOf('val-loss');
  t.is(loss, 120);
  t.is(valLoss, 12);
  t.is(loss + valLoss, fileLines, 'the loss curves have as many points as metrics.ndjson has lines');
  t.is(await pointsOf('lr'), 120);
  t.is(await pointsOf('tokens-per-s'), 120);
  t.is(await page.locator('section#splits tfoot td').first().textContent(), 'total');
  t.is(await page.locator('section#tokenizer tr').count(), 2 + 3 + 3, 'model, vocabulary, corpus and stats rows');
  t.is(await page.locator('svg.lineage g.node').count(), 3);
  t.is(await page.locator('svg.lineage path.edge').count(), 3, 'data→tokenizer, data→training, tokenizer→training');
  t.is(await page.locator(`svg.lineage g.node.self`).getAttribute('data-run'), training.runId);
  t.true((await page.locator('section#config pre').textContent())?.includes('"adamw"'));
  const box = await page.locator('svg.chart').first().boundingBox();
  t.true((box?.width ?? 0) > 300 && (box?.height ?? 0) > 150, 'the chart is laid out at a visible size');
  const screenshot = await page.screenshot({path: join(dir.path, 'report.png'), fullPage: true});
  t.true(screenshot.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
  t.true(screenshot.length > 20_000, `screenshot of ${screenshot.length} bytes`);

  await page.goto(pathToFileURL(dataOnly.path).href, {waitUntil: 'load'});
  t.is(await page.locator('polyline').count(), 0);
  t.is(await page.locator('svg.lineage g.node').count(), 3, 'a data run shows the runs that consumed it');
  t.is(await page.locator(`svg.lineage g.node.descendant[data-run="${tokenizer.runId}"]`).count(), 1);
  await page.screenshot({path: join(dir.path, 'data-report.png'), fullPage: true});

  t.deepEqual(problems, []);
  t.deepEqual(
    requests.filter((url) => !url.startsWith('file://')),
    [],
    'the report loads nothing over the network',
  );
});
