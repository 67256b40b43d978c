// The part of the WebAssembly JavaScript API the SIMD kernels use. TypeScript declares it only in the DOM
// library, which this Node package does not load.
declare namespace WebAssembly {
  // biome-ignore lint/suspicious/noEmptyInterface: opaque handle; merges with @types/emscripten's declaration
  interface Module {}
  const Module: {new (bytes: Uint8Array): Module};
  class Memory {
    constructor(descriptor: {initial: number; maximum?: number; shared?: boolean});
    readonly buffer: ArrayBuffer;
  }
  type ExportValue = ((...args: number[]) => number) | Memory | object;
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, ExportValue>;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
  function validate(bytes: Uint8Array): boolean;
}
