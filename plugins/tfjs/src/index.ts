/**
 * @codex-ml/plugin-tfjs — the TensorFlow.js training engine.
 *
 * Registered backends: `training-engine` `tfjs` (`TfjsEngine`) and the `optimizer`s `sgd`, `momentum`, `adam`
 * and `adamw`, which declare `engine: 'tfjs'`. The host reaches them through the contracts only; the exports
 * below are for this plugin's tests, benchmarks and other code that drives the pieces directly. Every piece is
 * deterministic given its inputs (seeded init, sorted parameter order, dropout seeded by step), which is what
 * makes exact resume possible.
 *
 * Engine (the contract)
 *   const engine = await TfjsEngine.create({backend: 'wasm', model: {layers, heads, dModel, dropout, tiedEmbeddings}})
 *   engine.createModel({vocabSize, contextLength, seed}) → EngineModel (evaluate, weights; no optimizer)
 *   engine.createTrainableModel(spec, {optimizer: AdamWOptimizer.create(), optimizerOptions, clipNorm}) → TrainableModel
 *
 * Backend
 *   await loadTfBackend('wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu')   // → {name, tfName, package}
 *     Makes the backend current (wasm default; registers the UnsortedSegmentSum kernel wasm lacks, so
 *     `tf.gather` has a gradient). Native backends are optional peers; when absent: CodexError
 *     E_TF_BACKEND naming `npm install @tensorflow/tfjs-node…`. `TfjsEngine.create` calls it.
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
 *   const factory = AdamWOptimizer.create({beta1, beta2, epsilon})   // its block training.optimizer.adamw.*
 *     (the host binds it from config and injects it; or new AdamWOptimizer(options) directly)
 *   const optimizer = factory.create({learningRate, weightDecay})   // params?: overrides of the block
 *   optimizer.applyGradients(model.params, grads, lr); optimizer.step
 *   optimizer.getState(): OptimizerState  {type, version, step, hyper, slots: {param: {m, v: Float32Array}}}
 *   optimizer.setState(state)   // next update bitwise equal to the original's
 *
 * Training step
 *   trainStep(model, optimizer, microBatches: TokenBatch[], {lr, clipNorm}) → {loss, gradNorm, tokens, finite}
 *     More than one micro-batch = gradient accumulation (mean). Non-finite loss/norm: update skipped,
 *     finite=false. Dropout seeds = f(optimizer.step, micro-batch index): nothing extra to checkpoint.
 *   evaluateLoss(model, batch) → number (no dropout)
 *   Lower level: computeGradients; gradientChunks (the fixed partition of a step into chunks).
 *
 * Data parallelism
 *   new DataParallelTrainer(model, optimizer, {workers, clipNorm, backend}).step(microBatches, step, lr)
 *     The same chunks spread over worker threads, summed in chunk order: bitwise the same for any worker count.
 *
 * The learning rate of each step comes from the host's schedule; this plugin has none.
 *
 * Inference and export (optional capabilities of the engine's models; weights read by name)
 *   TfjsModel.forward(ids) → logits after the last id, by a full GptModel.forward (the reference)
 *   TfjsModel.createDecoder() → KvCacheDecoder: append(ids) → logits after the last id; O(context) per token
 *   TfjsModel.exportModel({format: 'hf' | 'onnx', tokens: {bos, eos, pad}}) → files
 *     hf: model.safetensors (GPT-2 names), config.json, generation_config.json; onnx: model.onnx (opset 17)
 *   Lower level: GptWeights.from(shape, weights), new KvCacheDecoder(weights), exportGpt(format, weights, options)
 * Config (plain data the registration hook declares)
 *   TFJS_CONFIG (training.tfjs.*), ADAM_CONFIG (training.optimizer.adam[w].*), MOMENTUM_CONFIG.
 */
export {type LoadedTfBackend, loadTfBackend, TF_BACKEND_NAMES, type TfBackendName} from './backend-loader.js';
export {registerWasmSegmentSum} from './wasm-segment-sum-kernel.js';
export {type KernelPath, kernelPath, setJsKernels, setKernelPath, useJsKernels} from './ops/kernel-policy.js';
export {registerSimdKernels, simdKernelsReady} from './kernels/simd-kernels.js';
export {type GptConfig, validateGptConfig} from './gpt-config.js';
export {type ForwardOptions, GptModel} from './gpt-model.js';
export {estimateGptMemory, type GptMemoryShape} from './gpt-memory.js';
export {OPTIMIZER_STATE_VERSION, SlotOptimizer} from './optimizers/slot-optimizer.js';
export {SgdOptimizer} from './optimizers/sgd-optimizer.js';
export {MomentumOptimizer} from './optimizers/momentum-optimizer.js';
export {AdamOptimizer} from './optimizers/adam-optimizer.js';
export {AdamWOptimizer} from './optimizers/adamw-optimizer.js';
export {DataParallelTrainer, type DataParallelOptions} from './parallel/data-parallel-trainer.js';
export {CHUNK_TOKENS, chunkRows, type GradientChunk, gradientChunks} from './parallel/gradient-chunks.js';
export {computeGradients, evaluateLoss, type TrainStepOptions, type TrainStepResult, trainStep} from './train-step.js';
export {TFJS_ENGINE, TfjsEngine} from './tfjs-engine.js';
export {readTfjsEngineOptions, TFJS_ENGINE_DEFAULTS, type TfjsEngineOptions} from './tfjs-engine-options.js';
export {TfjsModel} from './tfjs-model.js';
export {TfjsTrainableModel} from './tfjs-trainable-model.js';
export {type GptShape, GptWeights} from './inference/gpt-weights.js';
export {KvCacheDecoder} from './inference/kv-cache-decoder.js';
export {EXPORT_FORMATS, type ExportFormat, exportGpt, type GptExportOptions} from './export/gpt-exporter.js';
export {ADAM_CONFIG, MOMENTUM_CONFIG, TFJS_CONFIG} from './config-keys.js';
