import {CodexError, ExitCode} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {registerWasmSegmentSum} from './wasm-segment-sum-kernel.js';

/** Backends `training.tfjs.backend` may name. */
export const TF_BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type TfBackendName = (typeof TF_BACKEND_NAMES)[number];

/** Native bindings are optional peers: big downloads users opt into, never needed for the default path. */
const NATIVE_PACKAGES: Readonly<Record<'tensorflow' | 'tensorflow-gpu', string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

/** What `loadTfBackend` reports about the backend it made current. */
export interface LoadedTfBackend {
  readonly name: TfBackendName;
  /** Name tfjs knows the backend by (`tensorflow` for both native packages). */
  readonly tfName: string;
  /** The package providing it, for run manifests. */
  readonly package: string;
}

let loading: Promise<unknown> = Promise.resolve();

/**
 * Makes `name` the current TensorFlow.js backend, loading its package on demand, and returns once it is ready.
 * The wasm backend gets the `UnsortedSegmentSum` kernel it lacks (the gradient of `gather`). Selecting a
 * native backend whose package is not installed is a one-line error with the install command.
 */
export function loadTfBackend(name: TfBackendName = 'wasm'): Promise<LoadedTfBackend> {
  // One at a time: tfjs has one current backend per process, and two overlapping setBackend calls fail.
  const loaded = loading.then(() => load(name));
  loading = loaded.catch(() => undefined);
  return loaded;
}

async function load(name: TfBackendName): Promise<LoadedTfBackend> {
  if (!(TF_BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new CodexError('E_TF_BACKEND', `training.tfjs.backend: unknown TensorFlow.js backend "${String(name)}"`, {
      hint: `choose one of ${TF_BACKEND_NAMES.join(', ')}`,
      exitCode: ExitCode.config,
    });
  }
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmSegmentSum();
    await activate('wasm', name);
    return {name, tfName: 'wasm', package: '@tensorflow/tfjs-backend-wasm'};
  }
  if (name === 'cpu') {
    await activate('cpu', name);
    // The cpu backend prints a multi-line "install tfjs-node" banner to stdout on first use; choosing cpu is
    // deliberate here, and stdout may carry --json output.
    const cpu: object = tf.backend();
    if ('firstUse' in cpu) cpu.firstUse = false;
    return {name, tfName: 'cpu', package: '@tensorflow/tfjs-backend-cpu'};
  }
  const pkg = NATIVE_PACKAGES[name];
  await importNative(pkg, name);
  await activate('tensorflow', name);
  return {name, tfName: 'tensorflow', package: pkg};
}

async function importNative(pkg: string, name: TfBackendName): Promise<void> {
  try {
    await import(pkg);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? (error as {code: unknown}).code : undefined;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const detail = missing ? `${pkg}, which is not installed` : `${pkg}, which failed to load: ${firstLine(error)}`;
    throw new CodexError('E_TF_BACKEND', `training.tfjs.backend "${name}" needs ${detail}`, {
      hint: `install it with: npm install ${pkg}@^4.22.0 (or choose training.tfjs.backend wasm)`,
      exitCode: ExitCode.config,
      cause: error,
    });
  }
}

async function activate(tfName: string, name: TfBackendName): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(tfName);
  } catch (error) {
    throw new CodexError('E_TF_BACKEND', `training.tfjs.backend "${name}" failed to initialise: ${firstLine(error)}`, {
      hint: 'choose another training.tfjs.backend (wasm works everywhere)',
      exitCode: ExitCode.config,
      cause: error,
    });
  }
  if (!ok) {
    throw new CodexError('E_TF_BACKEND', `training.tfjs.backend "${name}" failed to initialise`, {
      hint: 'choose another training.tfjs.backend (wasm works everywhere)',
      exitCode: ExitCode.config,
    });
  }
  await tf.ready();
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
