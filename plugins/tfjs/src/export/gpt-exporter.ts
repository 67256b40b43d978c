import type {GptWeights} from '../inference/gpt-weights.js';
import {gptOnnxFiles} from './gpt-onnx-export.js';
import {type ExportedFile, hfGpt2Files, type SpecialTokenIds} from './hf-gpt2-export.js';

/** Formats a trained GPT exports to. */
export const EXPORT_FORMATS = ['hf', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface GptExportOptions {
  readonly tokens: SpecialTokenIds;
  readonly dropout: number;
  /** Recorded as the ONNX producer version. */
  readonly producerVersion: string;
}

/** The model files of an export: a Hugging Face GPT-2 directory's model half, or one ONNX graph. */
export function exportGpt(format: ExportFormat, weights: GptWeights, options: GptExportOptions): ExportedFile[] {
  return format === 'hf' ? hfGpt2Files(weights, options) : gptOnnxFiles(weights, options.producerVersion);
}
