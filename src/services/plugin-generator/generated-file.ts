import type {ContractName} from '@codex-ml/core';

/** One file of a generated plugin: its path relative to the plugin root and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** A backend registered next to the contract's own, from its module (relative to src/) and export. */
export interface ExtraBackend {
  readonly contract: ContractName;
  readonly name: string;
  readonly file: string;
  readonly export: string;
  readonly description: string;
}

/** What a contract adds to a generated plugin: the implementation skeleton, its conformance test, dependencies. */
export interface ContractTemplate {
  /** Source files under src/ (implementation skeletons), one class per file. */
  readonly sources: readonly GeneratedFile[];
  /** The ava test that runs the contract's conformance suite. */
  readonly test: GeneratedFile;
  /** The module (relative to src/) and export the registration hook points at. */
  readonly entry: {readonly file: string; readonly export: string};
  /** Further backends the plugin registers (the optimizer a training engine needs). */
  readonly alsoRegisters?: readonly ExtraBackend[];
  /** Exports of src/index.ts: file (relative to src/, without extension) → exported names. */
  readonly exports: Readonly<Record<string, readonly string[]>>;
  /** Extra peer and dev dependencies (a tensor library for optimizers). */
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  /** First core API version that has the contract (e.g. `1.1.0`); default: the running API's major version. */
  readonly since?: string;
  /** README paragraph: what to fill in. */
  readonly implementGuide: string;
}
