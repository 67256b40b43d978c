import * as tf from '@tensorflow/tfjs';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import {compileSimdModule, instantiateSimdModule, type SimdExports, Triangle} from './simd-module.js';

/** Names of the kernels this module registers on the wasm backend. */
export const SimdKernel = {
  matMul: 'CodexMatMul',
  layerNorm: 'CodexLayerNorm',
  layerNormGrad: 'CodexLayerNormGrad',
  gelu: 'CodexGelu',
  geluGrad: 'CodexGeluGrad',
  softmaxCrossEntropy: 'CodexSoftmaxCrossEntropy',
  crossEntropyGrad: 'CodexCrossEntropyGrad',
  causalAttention: 'CodexCausalAttention',
  causalAttentionGrad: 'CodexCausalAttentionGrad',
  columnSums: 'CodexColumnSums',
  scatterRows: 'CodexScatterRows',
  adamUpdate: 'CodexAdamUpdate',
} as const;

/** The wasm module's heap: its memory and its allocator. */
interface WasmHeap {
  readonly memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(pointer: number): void;
}

/** The kernels bound to one backend's heap, with their persistent scratch. */
interface BoundKernels {
  readonly backend: BackendWasm;
  readonly exports: SimdExports;
  readonly heap: WasmHeap;
  readonly work: number;
  scratch: {pointer: number; bytes: number};
}

let bound: BoundKernels | undefined;

/**
 * Compiles the SIMD kernels (`assembly/`), instantiates them on the current wasm backend's heap — so they read
 * and write tensors in place, like the backend's own kernels — and registers them as tfjs kernels. Returns
 * false, leaving nothing registered, when the backend's heap is not reachable or WebAssembly SIMD is missing;
 * the model then keeps its other wasm path.
 */
export async function registerSimdKernels(): Promise<boolean> {
  const backend = tf.backend() as BackendWasm;
  if (bound?.backend === backend) return true;
  const module = await compileSimdModule();
  const heap = heapOf(backend.wasm);
  if (!module || !heap) return false;
  let exports: SimdExports;
  try {
    exports = instantiateSimdModule(module, heap.memory);
  } catch {
    return false;
  }
  exports.setConstants(heap.malloc(exports.constantsBytes()));
  bound = {backend, exports, heap, work: heap.malloc(exports.gemmWorkBytes()), scratch: {pointer: 0, bytes: 0}};
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc});
  }
  return true;
}

/** Whether the SIMD kernels serve the current backend. */
export function simdKernelsReady(): boolean {
  return bound !== undefined && bound.backend === tf.backend();
}

/** Σ x² of a float32 tensor on the current backend's heap, in float64; undefined without the SIMD kernels. */
export function simdSumOfSquares(tensor: tf.Tensor): number | undefined {
  if (!bound || bound.backend !== tf.backend()) return undefined;
  return bound.exports.sumOfSquares(pointer(bound.backend, tensor), tensor.size);
}

function heapOf(module: object): WasmHeap | undefined {
  const asm: unknown = Reflect.get(module, 'asm');
  const memory: unknown = typeof asm === 'object' && asm !== null ? Reflect.get(asm, 'memory') : undefined;
  const malloc: unknown = Reflect.get(module, '_malloc');
  const free: unknown = Reflect.get(module, '_free');
  if (!(memory instanceof WebAssembly.Memory) || typeof malloc !== 'function' || typeof free !== 'function') return undefined;
  return {
    memory,
    malloc: (bytes) => Number(Reflect.apply(malloc, module, [bytes])),
    free: (pointer) => {
      Reflect.apply(free, module, [pointer]);
    },
  };
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

function kernels(): BoundKernels {
  if (!bound) throw new Error('SIMD kernels are not registered');
  return bound;
}

function input(args: KernelArgs, name: string): tf.TensorInfo {
  const info = args.inputs[name];
  if (!info) throw new Error(`missing kernel input "${name}"`);
  return info;
}

function attr(args: KernelArgs, name: string): number {
  return Number(args.attrs?.[name]);
}

function pointer(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.getMemoryOffset(info.dataId);
}

/** Scratch space of at least `bytes`, reused across calls (kernels run one at a time on a thread). */
function scratch(k: BoundKernels, bytes: number): number {
  if (k.scratch.bytes < bytes) {
    if (k.scratch.pointer !== 0) k.heap.free(k.scratch.pointer);
    k.scratch = {pointer: k.heap.malloc(bytes), bytes};
  }
  return k.scratch.pointer;
}

const KERNELS: Record<string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> = {
  [SimdKernel.matMul]: (args) => {
    const k = kernels();
    const a = input(args, 'a');
    const b = input(args, 'b');
    const bias = args.inputs['bias'];
    const transposeA = attr(args, 'transposeA') === 1;
    const transposeB = attr(args, 'transposeB') === 1;
    const [ar, ac] = a.shape as [number, number];
    const [br, bc] = b.shape as [number, number];
    const [m, depth] = transposeA ? [ac, ar] : [ar, ac];
    const n = transposeB ? br : bc;
    if ((transposeB ? bc : br) !== depth) throw new Error(`matmul: inner dimensions ${depth} and ${transposeB ? bc : br} differ`);
    const out = k.backend.makeOutput([m, n], 'float32');
    k.exports.gemm(
      pointer(k.backend, a),
      ac,
      transposeA ? 1 : 0,
      pointer(k.backend, b),
      bc,
      transposeB ? 1 : 0,
      pointer(k.backend, out),
      n,
      m,
      n,
      depth,
      bias ? pointer(k.backend, bias) : 0,
      0,
      Triangle.none,
      k.work,
    );
    return out;
  },
  [SimdKernel.layerNorm]: (args) => {
    const k = kernels();
    const x = input(args, 'x');
    const [rows, d] = x.shape as [number, number];
    const y = k.backend.makeOutput([rows, d], 'float32');
    const stats = k.backend.makeOutput([rows, 2], 'float32');
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.layerNormForward(p(x), p(input(args, 'gamma')), p(input(args, 'beta')), p(y), p(stats), rows, d);
    return [y, stats];
  },
  [SimdKernel.layerNormGrad]: (args) => {
    const k = kernels();
    const x = input(args, 'x');
    const [rows, d] = x.shape as [number, number];
    const dx = k.backend.makeOutput([rows, d], 'float32');
    const dgamma = k.backend.makeOutput([d], 'float32');
    const dbeta = k.backend.makeOutput([d], 'float32');
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.layerNormBackward(
      p(input(args, 'dy')),
      p(x),
      p(input(args, 'gamma')),
      p(input(args, 'stats')),
      p(dx),
      p(dgamma),
      p(dbeta),
      rows,
      d,
    );
    return [dx, dgamma, dbeta];
  },
  [SimdKernel.gelu]: (args) => {
    const k = kernels();
    const x = input(args, 'x');
    const y = k.backend.makeOutput([...x.shape], 'float32');
    k.exports.geluForward(pointer(k.backend, x), pointer(k.backend, y), size(x));
    return y;
  },
  [SimdKernel.geluGrad]: (args) => {
    const k = kernels();
    const x = input(args, 'x');
    const dx = k.backend.makeOutput([...x.shape], 'float32');
    k.exports.geluBackward(pointer(k.backend, x), pointer(k.backend, input(args, 'dy')), pointer(k.backend, dx), size(x));
    return dx;
  },
  [SimdKernel.softmaxCrossEntropy]: (args) => {
    const k = kernels();
    const logits = input(args, 'logits');
    const [rows, n] = logits.shape as [number, number];
    const probs = k.backend.makeOutput([rows, n], 'float32');
    const stats = k.backend.makeOutput([rows, 3], 'float32');
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.softmaxCrossEntropy(p(logits), p(input(args, 'targets')), p(probs), p(stats), rows, n);
    return [probs, stats];
  },
  [SimdKernel.crossEntropyGrad]: (args) => {
    const k = kernels();
    const probs = input(args, 'probs');
    const [rows, n] = probs.shape as [number, number];
    const dlogits = k.backend.makeOutput([rows, n], 'float32');
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.crossEntropyBackward(p(probs), p(input(args, 'targets')), p(dlogits), rows, n, attr(args, 'scale'));
    return dlogits;
  },
  [SimdKernel.causalAttention]: (args) => {
    const k = kernels();
    const qkv = input(args, 'qkv');
    const [batch, time, heads] = [attr(args, 'batch'), attr(args, 'time'), attr(args, 'heads')];
    const width = (qkv.shape[1] as number) / 3;
    const headSize = width / heads;
    const out = k.backend.makeOutput([batch * time, width], 'float32');
    const probs = k.backend.makeOutput([batch * heads * time * time], 'float32');
    k.exports.attentionForward(
      pointer(k.backend, qkv),
      pointer(k.backend, out),
      pointer(k.backend, probs),
      batch,
      time,
      heads,
      headSize,
      1 / Math.sqrt(headSize),
      k.work,
      scratch(k, 16),
    );
    return [out, probs];
  },
  [SimdKernel.causalAttentionGrad]: (args) => {
    const k = kernels();
    const qkv = input(args, 'qkv');
    const [batch, time, heads] = [attr(args, 'batch'), attr(args, 'time'), attr(args, 'heads')];
    const width = (qkv.shape[1] as number) / 3;
    const headSize = width / heads;
    const dqkv = k.backend.makeOutput([...qkv.shape], 'float32');
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.attentionBackward(
      p(qkv),
      p(input(args, 'probs')),
      p(input(args, 'dy')),
      p(dqkv),
      batch,
      time,
      heads,
      headSize,
      1 / Math.sqrt(headSize),
      k.work,
      scratch(k, time * time * 4),
    );
    return dqkv;
  },
  [SimdKernel.columnSums]: (args) => {
    const k = kernels();
    const x = input(args, 'x');
    const [rows, columns] = x.shape as [number, number];
    const out = k.backend.makeOutput([columns], 'float32');
    k.exports.columnSums(pointer(k.backend, x), pointer(k.backend, out), rows, columns);
    return out;
  },
  [SimdKernel.scatterRows]: (args) => {
    const k = kernels();
    const dy = input(args, 'dy');
    const ids = input(args, 'ids');
    const [n, d] = dy.shape as [number, number];
    const vocab = attr(args, 'vocab');
    const table = k.backend.makeOutput([vocab, d], 'float32');
    k.exports.scatterRows(pointer(k.backend, dy), pointer(k.backend, ids), pointer(k.backend, table), n, vocab, d);
    return table;
  },
  [SimdKernel.adamUpdate]: (args) => {
    const k = kernels();
    const param = input(args, 'param');
    const outs = [0, 1, 2].map(() => k.backend.makeOutput([...param.shape], 'float32'));
    const [value, m, v] = outs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const p = (info: tf.TensorInfo) => pointer(k.backend, info);
    k.exports.adamUpdate(
      p(param),
      p(input(args, 'grad')),
      p(input(args, 'm')),
      p(input(args, 'v')),
      p(value),
      p(m),
      p(v),
      size(param),
      attr(args, 'decay'),
      attr(args, 'beta1'),
      attr(args, 'oneMinusBeta1'),
      attr(args, 'beta2'),
      attr(args, 'oneMinusBeta2'),
      attr(args, 'c2'),
      attr(args, 'epsilon'),
      attr(args, 'stepSize'),
    );
    return outs;
  },
};

function size(info: tf.TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}
