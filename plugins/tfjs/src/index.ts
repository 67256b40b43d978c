/**
 * @codex-ml/plugin-tfjs — the TensorFlow.js training engine.
 *
 * The runner composes these pieces; every one is deterministic given its inputs (seeded init, sorted
 * parameter order, dropout seeded by step), which is what makes exact resume possible.
 *
 * Backend
 *   await loadTfBackend('wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu')   // → {name, tfName, package}
 *     Makes the backend current (wasm default; registers the UnsortedSegmentSum kernel wasm lacks, so
 *     `tf.gather` has a gradient). Native backends are optional peers; when absent: CodexError
 *     E_TF_BACKEND naming `npm install @tensorflow/tfjs-node…`. Call once before building a model.
 *
 * Model
 *   const model = GptModel.create({vocabSize, contextLength, layers, heads, dModel, dropout, tiedEmbeddings, seed})
 *   model.params: ReadonlyMap<string, tf.Variable>   // sorted names: wte, wpe, h.0.attn.wqkv, …, lnf.gamma
 *   model.forward(contexts: Tensor2D int32, {training?, dropoutSeed?}) → logits Tensor3D [B, T, V]
 *   model.loss(contexts, targets, {training?, dropoutSeed?}) → Scalar (mean next-token cross-entropy)
 *   model.getWeights(): Map<string, Float32Array>   /  model.setWeights(map)   // checkpoints, bitwise
 *   model.parameterCount, model.trainFlopsPerToken, model.dispose()
 *
 * Optimizers (backends of the core `optimizer` contract: sgd, momentum, adam, adamw)
 *   const factory = await kernel.bind('optimizer') as OptimizerFactory<tf.Variable, tf.Tensor>
 *     (or new AdamWOptimizer(options) directly)
 *   const optimizer = factory.create(settings.optimizer)   // {learningRate, weightDecay, params: {beta1, …}}
 *   optimizer.applyGradients(model.params, grads, lr); optimizer.step
 *   optimizer.getState(): OptimizerState  {type, version, step, hyper, slots: {param: {m, v: Float32Array}}}
 *   optimizer.setState(state)   // next update bitwise equal to the original's
 *
 * Training step
 *   trainStep(model, optimizer, microBatches: TokenBatch[], {lr, clipNorm}) → {loss, gradNorm, tokens, finite}
 *     TokenBatch = {batchSize, length, contexts: Int32Array, targets: Int32Array} (row-major)
 *     More than one micro-batch = gradient accumulation (mean). Non-finite loss/norm: update skipped,
 *     finite=false. Dropout seeds = f(optimizer.step, micro-batch index): nothing extra to checkpoint.
 *   evaluateLoss(model, batch) → number (no dropout)
 *   Lower level: computeGradients, clipByGlobalNorm, GradientAccumulator.
 *
 * Schedules
 *   createSchedule({name: 'constant' | 'warmup-cosine', learningRate, warmupSteps, minLearningRate, totalSteps})
 *   schedule.at(step) → lr for the 0-based update index (pure; no state to checkpoint)
 *
 * Config
 *   readEngineSettings(resolvedConfig) → typed training.backend / model.* / optimizer.* / schedule.* /
 *   clipNorm / accumulationSteps.
 */
export {type LoadedTfBackend, loadTfBackend, TF_BACKEND_NAMES, type TfBackendName} from './backend-loader.js';
export {registerWasmSegmentSum} from './wasm-segment-sum-kernel.js';
export {type KernelPath, kernelPath, setJsKernels, setKernelPath, useJsKernels} from './ops/kernel-policy.js';
export {registerSimdKernels, simdKernelsReady} from './kernels/simd-kernels.js';
export {type GptConfig, validateGptConfig} from './gpt-config.js';
export {type ForwardOptions, GptModel} from './gpt-model.js';
export {SeededRandom, mixSeed} from './seeded-random.js';
export {OPTIMIZER_STATE_VERSION, SlotOptimizer} from './optimizers/slot-optimizer.js';
export {SgdOptimizer} from './optimizers/sgd-optimizer.js';
export {MomentumOptimizer} from './optimizers/momentum-optimizer.js';
export {AdamOptimizer} from './optimizers/adam-optimizer.js';
export {AdamWOptimizer} from './optimizers/adamw-optimizer.js';
export {
  ConstantSchedule,
  createSchedule,
  type LearningRateSchedule,
  type ScheduleSettings,
  WarmupCosineSchedule,
} from './learning-rate-schedule.js';
export {type ClippedGradients, clipByGlobalNorm} from './global-norm-clipping.js';
export {GradientAccumulator} from './gradient-accumulator.js';
export {
  computeGradients,
  evaluateLoss,
  type TokenBatch,
  type TrainStepOptions,
  type TrainStepResult,
  trainStep,
} from './train-step.js';
export {type ConfigReader, type EngineSettings, readEngineSettings} from './engine-settings.js';
