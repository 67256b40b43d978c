import {isCodexError} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {loadTfBackend, type TfBackendName} from '../src/index.js';

for (const [name, pkg] of [
  ['tensorflow', '@tensorflow/tfjs-node'],
  ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
] as const) {
  test.serial(`training.tfjs.backend ${name} without ${pkg} installed: one line naming the install command`, async (t) => {
    const error = await t.throwsAsync(loadTfBackend(name));
    t.true(isCodexError(error));
    if (!isCodexError(error)) return;
    t.is(error.code, 'E_TF_BACKEND');
    t.is(error.exitCode, 3);
    const line = error.toLine();
    t.false(line.includes('\n'));
    t.is(
      line,
      `training.tfjs.backend "${name}" needs ${pkg}, which is not installed — install it with: npm install ${pkg}@^4.22.0 (or choose training.tfjs.backend wasm)`,
    );
  });
}

test.serial('an unknown backend name lists the known ones', async (t) => {
  const error = await t.throwsAsync(loadTfBackend('webgpu' as TfBackendName));
  t.regex(error?.message ?? '', /unknown TensorFlow\.js backend "webgpu"/);
  t.true(isCodexError(error) && (error.hint ?? '').includes('wasm, cpu, tensorflow, tensorflow-gpu'));
});

test.serial('wasm and cpu load and become current', async (t) => {
  t.like(await loadTfBackend('wasm'), {name: 'wasm', tfName: 'wasm', package: '@tensorflow/tfjs-backend-wasm'});
  t.is(tf.getBackend(), 'wasm');
  t.like(await loadTfBackend('cpu'), {name: 'cpu', tfName: 'cpu'});
  t.is(tf.getBackend(), 'cpu');
  t.like(await loadTfBackend(), {name: 'wasm'});
});
