import {type BackendOptions, type ContractName, loadBackend} from '@codex-ml/core';
import {TRAINING_ENGINE_INVARIANTS, registerInvariants, trainingEngineConformance, trainingEngineInvariants} from '@codex-ml/core/testing';
import test from 'ava';
import register from '../src/hooks/register.js';

// The engine and its optimizers loaded the way the host loads them: from the registration, by module URL.
const contribution = await register();
const backend = <K extends ContractName>(contract: K, name: string) => {
  const found = contribution.backends.find((entry) => entry.contract === contract && entry.name === name);
  if (!found) throw new Error(`@codex-ml/plugin-tfjs registers no ${contract} ${name}`);
  return {contract, name, spec: found.spec, plugin: '@codex-ml/plugin-tfjs'};
};
// The engine's config block, training.tfjs.*.
const engineOptions = (dropout: number): BackendOptions => ({
  backend: 'wasm',
  layers: 1,
  heads: 2,
  dModel: 16,
  dropout,
  tiedEmbeddings: true,
});
const optimizer = () => loadBackend(backend('optimizer', 'adamw'));

trainingEngineConformance(test, {
  name: 'training-engine tfjs',
  engine: () => loadBackend(backend('training-engine', 'tfjs'), engineOptions(0)),
  optimizer,
  optimizerOptions: {learningRate: 0.01, weightDecay: 0.01},
  clipNorm: 1,
});

// Dropout on: masks must follow from the seed and the step, so reproducibility and exact resume still hold.
const I = TRAINING_ENGINE_INVARIANTS;
registerInvariants(
  test,
  'training-engine tfjs (dropout 0.1)',
  trainingEngineInvariants({
    name: 'training-engine tfjs (dropout 0.1)',
    engine: () => loadBackend(backend('training-engine', 'tfjs'), engineOptions(0.1)),
    optimizer,
    optimizerOptions: {learningRate: 0.01},
  }).filter((invariant) => [I.seeded, I.resume, I.evaluation].some((name) => name === invariant.name)),
);
