// The tfjs-layers baseline of `npm run bench:train -- --vs-layers`: the same GPT (pre-norm blocks, fused qkv,
// GELU-tanh MLP, tied output) built from tfjs-layers and trained with `model.fit` (Adam; tfjs-layers has no
// AdamW), to compare the engine with what TensorFlow.js offers out of the box.
import * as tf from '@tensorflow/tfjs';

class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  constructor(config) {
    super(config);
    this.time = config.time;
    this.width = config.width;
    this.seed = config.seed;
  }
  build() {
    this.table = this.addWeight('table', [this.time, this.width], 'float32', tf.initializers.randomNormal({stddev: 0.02, seed: this.seed}));
    this.built = true;
  }
  call(inputs) {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0] : inputs, this.table.read()));
  }
  computeOutputShape(shape) {
    return shape;
  }
}

class CausalSelfAttention extends tf.layers.Layer {
  static className = 'CausalSelfAttention';
  constructor(config) {
    super(config);
    this.heads = config.heads;
    this.width = config.width;
    this.time = config.time;
    const mask = new Float32Array(this.time * this.time);
    for (let i = 0; i < this.time; i++) for (let j = i + 1; j < this.time; j++) mask[i * this.time + j] = -1e9;
    this.mask = tf.keep(tf.tensor2d(mask, [this.time, this.time]));
  }
  call(inputs) {
    return tf.tidy(() => {
      const qkv = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch] = qkv.shape;
      const headSize = this.width / this.heads;
      const split = (t) => tf.transpose(tf.reshape(t, [batch, this.time, this.heads, headSize]), [0, 2, 1, 3]);
      const [q, k, v] = tf.split(qkv, 3, -1).map(split);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize)), this.mask);
      const mixed = tf.matMul(tf.softmax(scores), v);
      return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, this.time, this.width]);
    });
  }
  computeOutputShape(shape) {
    return [shape[0], shape[1], this.width];
  }
}

class TiedOutput extends tf.layers.Layer {
  static className = 'TiedOutput';
  constructor(config) {
    super(config);
    this.embedding = config.embedding;
    this.vocab = config.vocab;
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, width] = x.shape;
      const table = this.embedding.trainableWeights[0].read();
      const logits = tf.matMul(tf.reshape(x, [batch * steps, width]), table, false, true);
      return tf.softmax(tf.reshape(logits, [batch, steps, this.vocab]));
    });
  }
  computeOutputShape(shape) {
    return [shape[0], shape[1], this.vocab];
  }
}

function layersModel({layers, heads, dModel, time, vocabSize, seed, optimizer}) {
  const normal = (stddev) => tf.initializers.randomNormal({stddev, seed});
  const input = tf.input({shape: [time], dtype: 'int32'});
  const embedding = tf.layers.embedding({inputDim: vocabSize, outputDim: dModel, embeddingsInitializer: normal(0.02)});
  let x = new PositionEmbedding({time, width: dModel, seed}).apply(embedding.apply(input));
  for (let layer = 0; layer < layers; layer++) {
    let h = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
    h = tf.layers.dense({units: 3 * dModel, kernelInitializer: normal(0.02)}).apply(h);
    h = new CausalSelfAttention({heads, width: dModel, time}).apply(h);
    h = tf.layers.dense({units: dModel, kernelInitializer: normal(0.02 / Math.sqrt(2 * layers))}).apply(h);
    x = tf.layers.add().apply([x, h]);
    h = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
    h = tf.layers.dense({units: 4 * dModel, activation: 'gelu_new', kernelInitializer: normal(0.02)}).apply(h);
    h = tf.layers.dense({units: dModel, kernelInitializer: normal(0.02 / Math.sqrt(2 * layers))}).apply(h);
    x = tf.layers.add().apply([x, h]);
  }
  x = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
  const output = new TiedOutput({embedding, vocab: vocabSize}).apply(x);
  const model = tf.model({inputs: input, outputs: output});
  model.compile({
    optimizer: tf.train.adam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon),
    loss: 'sparseCategoricalCrossentropy',
  });
  return model;
}

/** `preset.steps` timed epochs-of-batches through `model.fit`, after `warmup` untimed batches. */
export async function runLayers(preset, data, {warmup, vocabSize, seed, cpuMs}) {
  const {batchSize, steps} = preset;
  const time = preset.shape.contextLength;
  const {layers, heads, dModel} = preset.shape;
  const model = layersModel({layers, heads, dModel, time, vocabSize, seed, optimizer: preset.optimizer});
  const stack = (list, key) =>
    tf.tensor2d(Int32Array.from(list.flatMap((b) => Array.from(b[key]))), [list.length * batchSize, time], 'int32');
  const fitBatches = async (list) => {
    const x = stack(list, 'contexts');
    const y = tf.reshape(tf.cast(stack(list, 'targets'), 'float32'), [list.length * batchSize, time, 1]);
    const history = await model.fit(x, y, {batchSize, epochs: 1, shuffle: false, verbose: 0});
    x.dispose();
    y.dispose();
    return history.history.loss?.[0];
  };
  await fitBatches(data.slice(0, warmup));
  const start = performance.now();
  const startCpu = cpuMs();
  const loss = await fitBatches(data.slice(warmup, warmup + steps));
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (cpuMs() - startCpu) / 1000;
  const parameters = model.countParams();
  model.dispose();
  return {seconds, cpuSeconds, loss, parameters};
}
