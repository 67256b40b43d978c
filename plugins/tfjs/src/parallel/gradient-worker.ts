// A gradient worker thread: a replica of the model on its own TensorFlow.js backend, computing the chunks the
// coordinator assigns and adding each chunk's gradient to the shared sum, parameter by parameter, when the
// chunk's turn for that parameter comes.
import {parentPort, workerData} from 'node:worker_threads';
import {loadTfBackend} from '../backend-loader.js';
import {GptModel} from '../gpt-model.js';
import {computeGradients} from '../train-step.js';
import {addParameterGradient} from './chunk-reduction.js';
import {ParameterLayout} from './parameter-layout.js';
import {type ChunkMessage, Control, type StepMessage, type WorkerMessage, type WorkerSetup} from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('gradient-worker.js runs as a worker thread');
const setup: WorkerSetup = workerData;
await loadTfBackend(setup.backend);
const model = GptModel.create(setup.config);
const layout = new ParameterLayout(model.params);
const weights = new Float32Array(setup.weights);
const control = new Int32Array(setup.control);
let weightsVersion = -1;

port.on('message', (message: StepMessage) => {
  if (message.weightsVersion !== weightsVersion) {
    layout.writeWeights(model, weights);
    weightsVersion = message.weightsVersion;
  }
  const sum = new Float32Array(message.sum);
  const losses = new Float64Array(message.losses);
  for (const chunk of message.chunks) {
    injectFault(message.step);
    addInTurn(chunk, sum, losses);
  }
  post({type: 'done'});
});
post({type: 'ready'});

function addInTurn(chunk: ChunkMessage, sum: Float32Array, losses: Float64Array): void {
  const batch = {batchSize: chunk.batchSize, length: chunk.length, contexts: chunk.contexts, targets: chunk.targets};
  const {loss, grads} = computeGradients(model, batch, chunk.dropoutSeed);
  try {
    losses[chunk.index] = loss;
    layout.names.forEach((name, i) => {
      const slot = Control.turns + i;
      waitForTurn(slot, chunk.index);
      addParameterGradient(sum, layout, i, grads.get(name), chunk.weight, chunk.index === 0);
      Atomics.store(control, slot, chunk.index + 1);
      Atomics.notify(control, slot);
    });
  } finally {
    for (const grad of grads.values()) grad.dispose();
  }
}

/** Blocks until every chunk before `index` has added its share at `slot`; throws when the coordinator aborted. */
function waitForTurn(slot: number, index: number): void {
  for (;;) {
    const turn = Atomics.load(control, slot);
    if (turn === index) return;
    if (Atomics.load(control, Control.abort) !== 0) throw new Error('step aborted');
    Atomics.wait(control, slot, turn, 50);
  }
}

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

/**
 * Fault injection for the worker-failure tests: with `CODEX_TEST_CRASH_WORKER=<step>`, the last worker throws
 * an uncaught error when asked to compute that step, as a crashed kernel would.
 */
function injectFault(step: number): void {
  if (setup.index === setup.count - 1 && process.env['CODEX_TEST_CRASH_WORKER'] === String(step)) {
    throw new Error(`injected fault at step ${step} (CODEX_TEST_CRASH_WORKER)`);
  }
}
