import {createHash} from 'node:crypto';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type Manifest, type ManifestStore, newRunId, runIdTime} from '@codex-ml/core';
import {WasmBlake3Hasher} from '@codex-ml/plugin-hashers';
import {FsManifestStore} from '@codex-ml/plugin-manifest-stores';
import {SqliteManifestStore} from '@codex-ml/plugin-sqlite-store';
import {sealManifest} from '../../src/services/runs/manifest-seal.js';

/**
 * Run directories and manifests as the producing commands write them (sealed manifests, artifacts with
 * `<algo>:<hex>` checksums, `metrics.ndjson`, parents), built directly so these tests do not depend on training.
 */
export type StoreName = 'fs' | 'sqlite';

export function openStore(name: StoreName, runsDir: string): ManifestStore {
  return name === 'fs' ? FsManifestStore.create({dir: runsDir}) : SqliteManifestStore.create({dir: runsDir});
}

export interface ArtifactSpec {
  readonly path: string;
  readonly content: string | Uint8Array;
  /** Checksum algorithm; both are registered hasher backends. */
  readonly algorithm?: 'sha256' | 'blake3';
}

export interface RunSpec {
  readonly kind: string;
  readonly parents?: readonly string[];
  readonly artifacts?: readonly ArtifactSpec[];
  readonly fields?: Readonly<Record<string, unknown>>;
}

export class SyntheticRuns {
  constructor(
    readonly runsDir: string,
    readonly store: ManifestStore,
  ) {}

  /** Writes a run's artifacts into `<runsDir>/<id>/` and its manifest into the store; returns the manifest. */
  async add(spec: RunSpec): Promise<Manifest> {
    const runId = newRunId();
    const directory = join(this.runsDir, runId);
    await mkdir(directory, {recursive: true});
    const artifacts = [];
    for (const artifact of spec.artifacts ?? []) {
      const bytes = typeof artifact.content === 'string' ? Buffer.from(artifact.content, 'utf8') : artifact.content;
      await mkdir(join(directory, artifact.path, '..'), {recursive: true});
      await writeFile(join(directory, artifact.path), bytes);
      artifacts.push({path: artifact.path, checksum: checksum(bytes, artifact.algorithm ?? 'sha256'), bytes: bytes.byteLength});
    }
    const manifest: Manifest = sealManifest({
      schemaVersion: 1,
      kind: spec.kind,
      runId,
      parents: [...(spec.parents ?? [])],
      createdAt: runIdTime(runId).toISOString(),
      ...spec.fields,
      artifacts,
    });
    // Like the producing commands: the run directory holds its own manifest, and the store indexes it.
    if (this.store.name !== 'fs') await writeFile(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await this.store.put(manifest);
    return manifest;
  }

  /** A data → tokenizer → training lineage like the pipeline's, with metrics for `steps` steps. */
  async pipeline(steps = 40, evalEvery = 10): Promise<{data: Manifest; tokenizer: Manifest; training: Manifest; metricsLines: number}> {
    const data = await this.add({
      kind: 'data',
      fields: {
        datasetId: 'brown-slice',
        seed: 7,
        config: {data: {splitter: 'stratified', ratios: [0.8, 0.1, 0.1]}},
        splits: {
          train: {items: 40, bytes: 40_000, labels: {news: 16, fiction: 24}},
          val: {items: 5, bytes: 5000, labels: {news: 2, fiction: 3}},
          test: {items: 5, bytes: 5000, labels: {news: 2, fiction: 3}},
        },
      },
      artifacts: [
        {path: 'splits/train.jsonl', content: '{"id":"ca01","split":"train"}\n'},
        {path: 'splits/val.jsonl', content: '{"id":"cb02","split":"val"}\n', algorithm: 'blake3'},
      ],
    });
    const tokenizer = await this.add({
      kind: 'tokenizer',
      parents: [data.runId],
      fields: {
        datasetIds: ['brown-slice'],
        modelType: 'bpe',
        vocabSize: 512,
        corpus: {files: 40, bytes: 40_000, lines: 900},
        stats: {bytesPerToken: 3.21, unknownRate: 0.0012, tokensPerWord: 1.4},
        config: {tokenizer: {model: 'bpe', vocabSize: 512}},
      },
      artifacts: [{path: 'tokenizer.json', content: JSON.stringify({model: {type: 'BPE', vocab: {a: 0}}}), algorithm: 'blake3'}],
    });
    const lines: string[] = [];
    for (let step = 1; step <= steps; step++) {
      lines.push(
        JSON.stringify({
          kind: 'train',
          step,
          epoch: 0,
          loss: 6 * Math.exp(-step / 15) + 1,
          lr: 1e-3 * Math.min(1, step / 10),
          grad_norm: 1 / step,
          tokens: step * 512,
          tokens_per_s: 1800 + (step % 7) * 13,
          elapsed: step * 0.3,
        }),
      );
      if (step % evalEvery === 0)
        lines.push(
          JSON.stringify({kind: 'eval', step, loss: 6.2 * Math.exp(-step / 15) + 1.1, perplexity: 9, tokens: 2048, elapsed: step * 0.3}),
        );
    }
    const checkpoint = new Uint8Array(4096).map((_, index) => (index * 31) % 251);
    const training = await this.add({
      kind: 'training',
      parents: [data.runId, tokenizer.runId].sort(),
      fields: {
        datasetIds: ['brown-slice'],
        seed: 7,
        steps,
        finalLoss: 1.5,
        config: {training: {steps, optimizer: {name: 'adamw', lr: 1e-3}}},
      },
      artifacts: [
        {path: 'metrics.ndjson', content: `${lines.join('\n')}\n`},
        {path: 'checkpoints/step-000040/weights.bin', content: checkpoint},
      ],
    });
    return {data, tokenizer, training, metricsLines: lines.length};
  }
}

function checksum(bytes: Uint8Array, algorithm: 'sha256' | 'blake3'): `${string}:${string}` {
  if (algorithm === 'sha256') return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const state = WasmBlake3Hasher.create().create();
  state.update(bytes);
  return `blake3:${state.digest()}`;
}
