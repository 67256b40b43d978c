import {type EngineModel, isCodexError} from '@codex-ml/core';
import test from 'ava';
import {modelFilesOf} from '../../src/services/export/model-export-service.js';
import {sampleFrom} from '../../src/services/generation/generation-service.js';
import type {LoadedTrainedRun} from '../../src/services/generation/trained-run-loader.js';

/** A third-party engine's model written before generation and export existed: the required members only. */
const plainModel: EngineModel = {
  parameterCount: 3,
  evaluate: async () => 1,
  getWeights: async () => [],
  setWeights: async () => undefined,
  dispose: () => undefined,
};

function plainRun(model: EngineModel): LoadedTrainedRun {
  const tokenizer = {specialTokens: {eos: '[EOS]'}, tokenToId: () => 2, vocabSize: 4};
  return {
    runId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    runPath: '/nowhere',
    engine: {name: 'bigram'},
    model,
    contextLength: 8,
    tokenizer: {tokenizer},
  } as unknown as LoadedTrainedRun;
}

const request = {prompt: 'x', maxTokens: 4, sampling: {temperature: 0, topK: 0, topP: 1}, seed: 0, stops: [], numSamples: 1};

test('an engine without generation is one line naming the engine and what it cannot do', async (t) => {
  const cached = await t.throwsAsync(sampleFrom(plainRun(plainModel), request));
  t.true(isCodexError(cached));
  t.is(cached?.message, 'training engine "bigram" cannot generate text (decode incrementally): it has no createDecoder()');
  const uncached = await t.throwsAsync(sampleFrom(plainRun(plainModel), {...request, kvCache: false}));
  t.is(uncached?.message, 'training engine "bigram" cannot generate text without a cache (forward logits): it has no forward()');
  t.regex(isCodexError(uncached) ? uncached.toLine() : '', / — choose a training\.engine whose backend supports it/);
});

test('an engine without export, or without the format asked for, is one line naming the engine', async (t) => {
  const none = await t.throwsAsync(modelFilesOf(plainRun(plainModel), 'hf'));
  t.is(none?.message, 'training engine "bigram" cannot export models: it has no exportModel()');
  const onnxOnly: EngineModel = {
    ...plainModel,
    exportFormats: ['onnx'],
    exportModel: async () => [{name: 'model.onnx', bytes: new Uint8Array(1)}],
  };
  const other = await t.throwsAsync(modelFilesOf(plainRun(onnxOnly), 'hf'));
  t.is(other?.message, '--format hf: training engine "bigram" exports onnx');
  t.deepEqual(
    (await modelFilesOf(plainRun(onnxOnly), 'onnx')).map((file) => file.name),
    ['model.onnx'],
  );
});
