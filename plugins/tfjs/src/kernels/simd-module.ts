import {readFile} from 'node:fs/promises';

/**
 * Exports of the SIMD kernels compiled from `assembly/` (AssemblyScript → WebAssembly). Pointers are byte
 * offsets into the heap the module was instantiated on; booleans are 0 or 1. See `assembly/*.ts` for what each
 * computes.
 */
export interface SimdExports {
  /** Bytes of the constants block, which `setConstants` writes at a caller-allocated address and then uses. */
  constantsBytes(): number;
  setConstants(base: number): void;
  gemm(
    a: number,
    lda: number,
    transA: number,
    b: number,
    ldb: number,
    transB: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    bias: number,
    accumulate: number,
    triangle: number,
    work: number,
  ): void;
  gemmWorkBytes(): number;
  layerNormForward(x: number, gamma: number, beta: number, y: number, stats: number, rows: number, d: number): void;
  layerNormBackward(
    dy: number,
    x: number,
    gamma: number,
    stats: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
  ): void;
  geluForward(x: number, y: number, n: number): void;
  geluBackward(x: number, dy: number, dx: number, n: number): void;
  softmaxCrossEntropy(logits: number, targets: number, probs: number, stats: number, rows: number, n: number): void;
  crossEntropyBackward(probs: number, targets: number, dlogits: number, rows: number, n: number, scale: number): void;
  attentionForward(
    qkv: number,
    out: number,
    probs: number,
    batch: number,
    time: number,
    heads: number,
    headSize: number,
    scale: number,
    work: number,
    scratch: number,
  ): void;
  attentionBackward(
    qkv: number,
    probs: number,
    dout: number,
    dqkv: number,
    batch: number,
    time: number,
    heads: number,
    headSize: number,
    scale: number,
    work: number,
    ds: number,
  ): void;
  columnSums(x: number, out: number, rows: number, columns: number): void;
  scatterRows(dy: number, ids: number, table: number, n: number, vocab: number, d: number): void;
  sumOfSquares(x: number, n: number): number;
  adamUpdate(
    p: number,
    g: number,
    m: number,
    v: number,
    outP: number,
    outM: number,
    outV: number,
    n: number,
    decay: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    c2: number,
    epsilon: number,
    stepSize: number,
  ): void;
}

/** `triangle` argument of `gemm`: which part of the product the caller needs or which operand is triangular. */
export const Triangle = {none: 0, lowerOut: 1, lowerA: 2, upperA: 3} as const;

type ExportedFunction = (...args: number[]) => number;

let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/** The compiled module (once per thread), or undefined when this engine cannot run WebAssembly SIMD. */
export function compileSimdModule(): Promise<WebAssembly.Module | undefined> {
  compiled ??= readFile(new URL('./simd-kernels.wasm', import.meta.url)).then(
    (bytes) => WebAssembly.compile(bytes),
    () => undefined,
  );
  return compiled.catch(() => undefined);
}

/** Instantiates the kernels on `memory` (the heap they read and write); they allocate nothing themselves. */
export function instantiateSimdModule(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdExports {
  const {exports} = new WebAssembly.Instance(module, {env: {memory}});
  const fn = (name: keyof SimdExports): ExportedFunction => {
    const value = exports[name];
    if (typeof value !== 'function') throw new Error(`the SIMD kernels module lacks "${name}"`);
    return value as ExportedFunction;
  };
  return {
    constantsBytes: fn('constantsBytes'),
    setConstants: fn('setConstants'),
    gemm: fn('gemm'),
    gemmWorkBytes: fn('gemmWorkBytes'),
    layerNormForward: fn('layerNormForward'),
    layerNormBackward: fn('layerNormBackward'),
    geluForward: fn('geluForward'),
    geluBackward: fn('geluBackward'),
    softmaxCrossEntropy: fn('softmaxCrossEntropy'),
    crossEntropyBackward: fn('crossEntropyBackward'),
    attentionForward: fn('attentionForward'),
    attentionBackward: fn('attentionBackward'),
    columnSums: fn('columnSums'),
    scatterRows: fn('scatterRows'),
    adamUpdate: fn('adamUpdate'),
    sumOfSquares: fn('sumOfSquares'),
  };
}
