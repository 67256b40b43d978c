import * as tf from '@tensorflow/tfjs';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';

/**
 * `UnsortedSegmentSum` for the wasm backend, which ships none — so `tf.gather`'s gradient (an embedding
 * lookup's) fails there. The kernel reads and writes the wasm heap in place (no copies) and accumulates rows
 * in index order, so the result is deterministic and equal to the cpu backend's. The work is one add per
 * gradient element, tiny next to the matmuls around it.
 */
function unsortedSegmentSum(args: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs['x'] as tf.TensorInfo;
  const segmentIds = args.inputs['segmentIds'] as tf.TensorInfo;
  const numSegments = Number((args.attrs as {numSegments: number}).numSegments);
  const segments = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = segments === 0 ? 0 : x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const result = backend.typedArrayFromHeap(out);
  result.fill(0);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < segments; i++) {
    const id = ids[i] as number;
    // Out-of-range ids are dropped, as TensorFlow's kernel does.
    if (id < 0 || id >= numSegments) continue;
    const from = i * inner;
    const to = id * inner;
    for (let j = 0; j < inner; j++) result[to + j] = (result[to + j] as number) + (values[from + j] as number);
  }
  return out;
}

/** Registers the kernel once; a no-op when it is already there (a later tfjs may ship its own). */
export function registerWasmSegmentSum(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') !== undefined) return;
  tf.registerKernel({kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum as tf.KernelFunc});
}
