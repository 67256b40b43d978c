import {readFile} from 'node:fs/promises';
import {setFlagsFromString} from 'node:v8';

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
let compiledBuild: string | undefined;

/**
 * The builds of `assembly/`, best first: fused multiply-add in the GEMM (WebAssembly relaxed SIMD, about a third
 * more throughput where the CPU has FMA), then plain SIMD for engines without relaxed SIMD. `flag`: the V8 flag
 * that admits a build's opcodes where the engine has them but does not ship them on (relaxed SIMD on Node 20;
 * Node 22 ships it, and the flag is then never set).
 */
const BUILDS: readonly {readonly file: string; readonly flag?: string}[] = [
  {file: 'simd-kernels-relaxed.wasm', flag: '--experimental-wasm-relaxed-simd'},
  {file: 'simd-kernels.wasm'},
];

/** The compiled module (once per thread), or undefined when this engine cannot run WebAssembly SIMD. */
export function compileSimdModule(): Promise<WebAssembly.Module | undefined> {
  compiled ??= firstValidBuild();
  return compiled.catch(() => undefined);
}

async function firstValidBuild(): Promise<WebAssembly.Module | undefined> {
  for (const {file, flag} of BUILDS) {
    const bytes = await buildBytes(file);
    if (bytes === undefined) continue;
    let valid = WebAssembly.validate(bytes);
    if (!valid && flag !== undefined) {
      setFlagsFromString(flag);
      valid = WebAssembly.validate(bytes);
    }
    if (valid) {
      const module = await WebAssembly.compile(bytes);
      compiledBuild = file;
      return module;
    }
  }
  return undefined;
}

/** The file of the build this thread compiled (after `compileSimdModule`), e.g. `simd-kernels-relaxed.wasm`. */
export async function simdBuild(): Promise<string | undefined> {
  await compileSimdModule();
  return compiledBuild;
}

/** Compiles one named build, whatever the engine prefers (to compare builds); undefined if it does not load. */
export async function compileSimdBuild(file: string): Promise<WebAssembly.Module | undefined> {
  const bytes = await buildBytes(file);
  return bytes === undefined ? undefined : WebAssembly.compile(bytes).catch(() => undefined);
}

/** The bytes of a build beside this module; undefined when it is missing. */
function buildBytes(file: string): Promise<Uint8Array | undefined> {
  return readFile(new URL(`./${file}`, import.meta.url)).catch(() => undefined);
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
