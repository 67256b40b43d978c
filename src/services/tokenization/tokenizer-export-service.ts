import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import {type Tokenizer, fileError, writeFileAtomic} from '@codex-ml/core';

/** What `tokenizer:export` wrote. */
export interface ExportTokenizerResult {
  readonly source: string;
  readonly out: string;
  readonly modelType: string;
  readonly vocabSize: number;
}

/** Writes a loaded tokenizer as `DIR/tokenizer.json` (atomically: the old file or the new one, never a torn one). */
export class TokenizerExportService {
  async export(tokenizer: Tokenizer, source: string, dir: string): Promise<ExportTokenizerResult> {
    await mkdir(dir, {recursive: true}).catch((error: unknown) => {
      throw fileError(dir, error);
    });
    const out = join(dir, 'tokenizer.json');
    await writeFileAtomic(out, tokenizer.toJSON());
    return {source, out, modelType: tokenizer.modelType, vocabSize: tokenizer.vocabSize};
  }
}
