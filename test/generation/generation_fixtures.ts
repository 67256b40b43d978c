import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {Blake3Hasher} from '@codex-ml/plugin-hashers';
import {CheckpointStore} from '../../src/services/training/checkpoint-store.js';
import {createWorkspace, jsonResult, train} from '../training/cli_fixtures.js';

/** A workspace with a tiny model trained by the real CLI (context 16, vocabulary ≈ 300), made once per test file. */
export interface TrainedWorkspace {
  readonly dir: string;
  readonly runId: string;
  readonly runDir: string;
  readonly dataRunId: string;
}

export async function trainedWorkspace(dir: string, steps = 40): Promise<TrainedWorkspace> {
  const {dataRunId} = await createWorkspace(dir);
  const trained = await train(dir, ['--set', `training.steps=${steps}`, '--set', `training.checkpointInterval=${steps}`, '--json']);
  if (trained.code !== 0) throw new Error(`train failed: ${trained.stderr}`);
  const {runId, runDir} = jsonResult(trained.stdout);
  return {dir, runId, runDir, dataRunId};
}

/** The newest checkpoint's weights, read with the run's hasher (blake3, the default). */
export async function checkpointWeights(runDir: string, runId: string): Promise<{step: number; weights: Map<string, Float32Array>}> {
  const store = new CheckpointStore(runDir, runId, Blake3Hasher.create());
  const [newest] = await store.list();
  if (!newest) throw new Error(`no checkpoint in ${runDir}`);
  const content = await store.load(newest.path);
  return {step: content.step, weights: new Map(content.weights.map((tensor) => [tensor.name, tensor.data]))};
}

/** The model's shape in the run's config snapshot: the engine's block (training.tfjs) and the context length. */
export async function modelSettings(runDir: string): Promise<{
  layers: number;
  heads: number;
  dModel: number;
  contextLength: number;
  tiedEmbeddings: boolean;
  vocabSize: number;
}> {
  const snapshot = JSON.parse(await readFile(join(runDir, 'config.snapshot'), 'utf8')) as {
    config: {
      training: {tfjs: {layers: number; heads: number; dModel: number; tiedEmbeddings: boolean}; model: {contextLength: number}};
    };
    inputs: {vocabSize: number};
  };
  const {tfjs, model} = snapshot.config.training;
  return {...tfjs, contextLength: model.contextLength, vocabSize: snapshot.inputs.vocabSize};
}

/** What `codex generate --json` prints. */
export interface GenerateJson {
  readonly runId: string;
  readonly checkpoint: {readonly path: string; readonly step: number};
  readonly prompt: {readonly text: string; readonly ids: number[]; readonly truncated: number};
  readonly kvCache: boolean;
  readonly samples: {
    readonly index: number;
    readonly text: string;
    readonly ids: number[];
    readonly logprobs: number[];
    readonly finishReason: 'length' | 'end-of-text' | 'stop';
  }[];
  readonly tokensPerSecond: number;
}
