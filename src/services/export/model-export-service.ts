import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {
  type Checksum,
  CodexError,
  type ExportedFile,
  ExitCode,
  Hasher,
  type SpecialTokenIds,
  type Tokenizer,
  checksumOf,
  requireCapability,
  writeDirectoryAtomic,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {type LoadedTrainedRun, TrainedRunLoader} from '../generation/trained-run-loader.js';
import {hfTokenizerFiles} from '../tokenization/hf-tokenizer-files.js';

export interface ExportRequest {
  /** A finished training run: its id, its directory, a checkpoint directory of it, or `latest`. */
  readonly model: string;
  readonly runsDir: string;
  /** One of the engine's export formats (`hf`, `onnx` for the TensorFlow.js engine). */
  readonly format: string;
  readonly out: string;
  /** Replace a non-empty `out`. */
  readonly force?: boolean;
}

export interface ExportResult {
  readonly runId: string;
  readonly step: number;
  readonly format: string;
  readonly out: string;
  readonly files: readonly {readonly name: string; readonly bytes: number; readonly checksum: Checksum}[];
}

/** Written beside the exported files: where they came from. */
export const EXPORT_RECORD = 'codex-export.json';

/**
 * `codex export`: a finished training run's verified newest checkpoint written in a format other tools load —
 * the engine writes the model files, this service adds the tokenizer (Hugging Face layout) for `hf` and a
 * record of provenance, and publishes the directory atomically. A run that did not finish, or whose newest
 * checkpoint fails verification, is refused in one line rather than silently exporting an older state.
 */
@injectable()
export class ModelExportService {
  constructor(
    @inject(TrainedRunLoader) private readonly loader: TrainedRunLoader,
    @inject(Hasher) private readonly hasher: Hasher,
  ) {}

  async export(request: ExportRequest): Promise<ExportResult> {
    const loader = this.loader;
    const run = await loader.load(await loader.locate(request.model, request.runsDir), {
      runsDir: request.runsDir,
      requireFinished: true,
      strictCheckpoint: true,
    });
    try {
      const modelFiles = await modelFilesOf(run, request.format);
      const tokenizer = run.tokenizer.tokenizer;
      const tokenizerFiles =
        request.format === 'hf'
          ? hfTokenizerFiles(await readFile(run.tokenizer.path), tokenizer, {
              modelMaxLength: run.contextLength,
              source: run.tokenizer.path,
            })
          : [];
      const files = [...modelFiles, ...tokenizerFiles].map((file) => ({...file, checksum: checksumOf(this.hasher, file.bytes)}));
      const out = resolve(request.out);
      const summary = files.map(({name, bytes, checksum}) => ({name, bytes: bytes.byteLength, checksum}));
      const record = {
        schemaVersion: 1,
        kind: 'model-export',
        format: request.format,
        runId: run.runId,
        step: run.checkpoint.step,
        checkpoint: run.checkpoint.path,
        engine: run.snapshot.backend,
        files: summary,
      };
      await writeDirectoryAtomic(out, [...files, {name: EXPORT_RECORD, bytes: `${JSON.stringify(record, null, 2)}\n`}], {
        replace: request.force === true,
      });
      return {runId: run.runId, step: run.checkpoint.step, format: request.format, out, files: summary};
    } finally {
      await run.model.dispose();
    }
  }
}

/**
 * The model's files in `format`, by the engine's export capability: an engine without it, or without that
 * format, is one line naming the engine.
 */
export async function modelFilesOf(run: LoadedTrainedRun, format: string): Promise<ExportedFile[]> {
  const {engine, model} = run;
  requireCapability(model, 'exportModel', {
    subject: `training engine "${engine.name}"`,
    capability: 'export models',
    configKey: 'training.engine',
  });
  const formats = model.exportFormats ?? [];
  if (!formats.includes(format)) {
    throw new CodexError('E_USAGE', `--format ${format}: training engine "${engine.name}" exports ${formats.join(', ') || 'nothing'}`, {
      hint: formats.length > 0 ? `choose one of ${formats.join(', ')}` : 'use an engine that implements export',
      exitCode: ExitCode.usage,
    });
  }
  return model.exportModel({format, tokens: specialTokenIds(run.tokenizer.tokenizer)});
}

/** bos / eos / pad ids of a tokenizer, by the roles it was trained with. */
export function specialTokenIds(tokenizer: Tokenizer): SpecialTokenIds {
  const id = (role: string) => {
    const token = tokenizer.specialTokens[role];
    return token === undefined ? undefined : tokenizer.tokenToId(token);
  };
  const [bos, eos, pad] = [id('bos'), id('eos'), id('pad')];
  return {...(bos === undefined ? {} : {bos}), ...(eos === undefined ? {} : {eos}), ...(pad === undefined ? {} : {pad})};
}
