import {CodexError, type EncodeOptions, ExitCode, type ResolvedConfig} from '@codex-ml/core';

/** How `tokenizer:encode` encodes and prints, resolved from config. */
export interface EncodeSettings {
  readonly options: EncodeOptions;
  readonly output: 'ids' | 'tokens';
}

export function readEncodeSettings(config: ResolvedConfig): EncodeSettings {
  const rawLength = config.get<string | number | null>('tokenizer.encode.padding.length');
  const length = rawLength === null || rawLength === 'longest' ? rawLength : Number(rawLength);
  const maxLength = config.get<number | null>('tokenizer.encode.truncation.maxLength');
  const stride = config.get<number>('tokenizer.encode.truncation.stride');
  if (maxLength !== null && maxLength < 1) {
    throw new CodexError(
      'E_CONFIG',
      `${config.sourceOf('tokenizer.encode.truncation.maxLength')}: tokenizer.encode.truncation.maxLength must be >= 1, got ${maxLength}`,
      {
        hint: 'set it to a positive integer or null',
        exitCode: ExitCode.config,
      },
    );
  }
  if (maxLength !== null && stride >= maxLength) {
    throw new CodexError('E_CONFIG', `tokenizer.encode.truncation.stride ${stride} must be smaller than maxLength ${maxLength}`, {
      hint: 'lower --stride or raise --max-length',
      exitCode: ExitCode.config,
    });
  }
  const side = config.get<'left' | 'right'>('tokenizer.encode.padding.side');
  return {
    output: config.get<'ids' | 'tokens'>('tokenizer.encode.output'),
    options: {
      addSpecialTokens: config.get<boolean>('tokenizer.encode.addSpecialTokens'),
      ...(length === null ? {} : {padding: {length, side}}),
      ...(maxLength === null
        ? {}
        : {truncation: {maxLength, stride, side: config.get<'left' | 'right'>('tokenizer.encode.truncation.side')}}),
    },
  };
}
