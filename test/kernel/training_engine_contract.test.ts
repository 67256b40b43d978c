import test from 'ava';
import {
  BACKEND_CONFIG_KEYS,
  CONTRACT_NAMES,
  CONTRACT_TOKENS,
  type EngineModel,
  TrainingEngine,
  isCodexError,
  requireCapability,
  resolveConfig,
  servedEngine,
} from '@codex-ml/core';

test('training-engine is a contract selected by training.engine, tfjs by default, with a Symbol.for token', (t) => {
  t.true(CONTRACT_NAMES.includes('training-engine'));
  t.is(BACKEND_CONFIG_KEYS['training-engine'], 'training.engine');
  t.is(CONTRACT_TOKENS['training-engine'], Symbol.for('codex-ml.TrainingEngine'));
  t.is(Symbol.keyFor(TrainingEngine), 'codex-ml.TrainingEngine');
  t.is(resolveConfig({}).get('training.engine'), 'tfjs');
});

test('an optimizer serves the engine it declares; one that declares none predates engines and served tfjs', (t) => {
  t.is(servedEngine({engine: 'bigram'}), 'bigram');
  const legacy: unknown = {type: 'old-sgd'};
  t.is(servedEngine(legacy as {engine: string}), 'tfjs');
  t.is(servedEngine({engine: ''}), 'tfjs');
});

/** A model as an engine written before an optional capability existed has it: without the member. */
interface ModelWithDecoding extends EngineModel {
  decode?(ids: readonly number[]): Promise<number[]>;
}

test('a missing optional capability is one line naming the backend, what it cannot do and the config key', (t) => {
  const model: ModelWithDecoding = {
    parameterCount: 0,
    evaluate: async () => 0,
    getWeights: async () => [],
    setWeights: async () => undefined,
    dispose: () => undefined,
  };
  const error = t.throws(() =>
    requireCapability(model, 'decode', {
      subject: 'training engine "bigram"',
      capability: 'decode incrementally',
      configKey: 'training.engine',
    }),
  );
  t.true(isCodexError(error));
  t.is(error?.message, 'training engine "bigram" cannot decode incrementally: it has no decode()');
  t.regex(isCodexError(error) ? error.toLine() : '', / — choose a training\.engine whose backend supports it/);
  const capable: ModelWithDecoding = {...model, decode: async (ids) => [...ids]};
  t.notThrows(() => requireCapability(capable, 'decode', {subject: 's', capability: 'c', configKey: 'k'}));
});
