import {float32ArrayAdapter, optimizerConformance, trainingEngineConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {BigramEngine} from '../src/bigram-engine.js';
import {BigramSgdOptimizer} from '../src/bigram-sgd-optimizer.js';

// The training-engine contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
trainingEngineConformance(test, {
  name: 'training-engine bigram',
  engine: () => BigramEngine.create({}),
  optimizer: () => BigramSgdOptimizer.create(),
  // The learning rate every step runs at; raise it if "training lowers the loss" needs more.
  optimizerOptions: {learningRate: 0.5},
});

// Its optimizer runs the optimizer contract's suite.
optimizerConformance(test, {
  name: 'optimizer bigram-sgd',
  factory: () => BigramSgdOptimizer.create(),
  adapter: float32ArrayAdapter,
});
