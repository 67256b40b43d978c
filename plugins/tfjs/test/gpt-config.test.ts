import {ExitCode, isCodexError} from '@codex-ml/core';
import test from 'ava';
import {type GptConfig, validateGptConfig} from '../src/gpt-config.js';

const valid: GptConfig = {vocabSize: 300, contextLength: 16, layers: 1, heads: 2, dModel: 32, dropout: 0.1, tiedEmbeddings: true, seed: 7};

function refused(t: import('ava').ExecutionContext, change: Partial<GptConfig>, message: string, hint?: string): void {
  const error = t.throws(() => validateGptConfig({...valid, ...change}));
  if (!isCodexError(error)) return void t.fail(String(error));
  t.is(error.code, 'E_MODEL_CONFIG');
  t.is(error.exitCode, ExitCode.config);
  t.is(error.message, message);
  if (hint !== undefined) t.is(error.hint, hint);
}

test('a valid shape passes unchanged, including the edges of each range', (t) => {
  t.is(validateGptConfig(valid), valid);
  const edges = {...valid, vocabSize: 2, contextLength: 1, layers: 1, heads: 1, dModel: 1, dropout: 0, seed: -3};
  t.is(validateGptConfig(edges), edges);
});

test('each size that is not a large enough integer is refused naming its config key', (t) => {
  refused(t, {vocabSize: 1}, 'training.model.vocabSize must be an integer >= 2, got 1', 'set training.model.vocabSize');
  refused(t, {contextLength: 0}, 'training.model.contextLength must be an integer >= 1, got 0', 'set training.model.contextLength');
  refused(t, {layers: 1.5}, 'training.tfjs.layers must be an integer >= 1, got 1.5', 'set training.tfjs.layers');
  refused(t, {heads: Number.NaN}, 'training.tfjs.heads must be an integer >= 1, got NaN', 'set training.tfjs.heads');
  refused(t, {dModel: -8}, 'training.tfjs.dModel must be an integer >= 1, got -8', 'set training.tfjs.dModel');
});

test('a dropout outside [0, 1) and a fractional seed are refused', (t) => {
  for (const dropout of [1, -0.1, Number.NaN]) {
    refused(t, {dropout}, `training.tfjs.dropout must be in [0, 1), got ${dropout}`, 'set training.tfjs.dropout to 0 to disable it');
  }
  refused(t, {seed: 0.5}, 'model seed must be an integer, got 0.5');
  refused(t, {heads: 3}, 'training.tfjs.heads (3) must divide training.tfjs.dModel (32)');
});
