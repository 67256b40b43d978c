import {join} from 'node:path';
import {TfjsEngine} from '@codex-ml/plugin-tfjs';
import test from 'ava';
import {repoRoot, runCli} from '../helpers/run-cli.js';

interface TrainingValues {
  tfjs: {backend: string; layers: number; heads: number; dModel: number; dropout: number; tiedEmbeddings: boolean};
  model: {contextLength: number};
  batchSize: number;
  workers: number;
}

/** The training section of a preset, resolved by the real CLI against the schema (plugin keys included). */
async function preset(name: string): Promise<TrainingValues> {
  const shown = await runCli(['config:show', '--config', join(repoRoot, 'configs', 'training', `${name}.yaml`), '--json']);
  if (shown.code !== 0) throw new Error(shown.stderr);
  return (JSON.parse(shown.stdout) as {values: {training: TrainingValues}}).values.training;
}

test('the small preset is a valid config of the GPT it documents: 6 blocks of width 384, 6 heads, context 256', async (t) => {
  const small = await preset('small');
  t.like(small, {tfjs: {layers: 6, heads: 6, dModel: 384}, model: {contextLength: 256}, batchSize: 16, workers: 0});
  const engine = await TfjsEngine.create({...small.tfjs, backend: 'cpu'});
  const model = await engine.createModel({vocabSize: 2048, contextLength: small.model.contextLength, seed: 1});
  // 12·d² + 13·d per block, positions, the tied embedding of a 2,048-token vocabulary, the final norm.
  t.is(model.parameterCount, 6 * (12 * 384 * 384 + 13 * 384) + 256 * 384 + 2048 * 384 + 2 * 384);
  await model.dispose();
});

test('the default preset keeps its tiny model and one thread per core', async (t) => {
  const base = await preset('base');
  t.like(base, {tfjs: {layers: 2, heads: 4, dModel: 128}, model: {contextLength: 64}, batchSize: 16, workers: 0});
});
