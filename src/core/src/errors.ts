/** Process exit codes, by class of failure. */
export const ExitCode = {
  failure: 1,
  usage: 2,
  config: 3,
  input: 4,
  integrity: 5,
  locked: 6,
  plugin: 7,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CodexErrorOptions {
  /** One sentence telling the user how to fix it. */
  readonly hint?: string;
  readonly exitCode?: ExitCodeValue;
  readonly cause?: unknown;
}

/**
 * The one error type users see. `message` names the file, key or value at fault; `hint` says what to do.
 * Checked with `isCodexError`, never `instanceof`: a plugin may carry its own copy of core.
 */
export class CodexError extends Error {
  override readonly name = 'CodexError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, options: CodexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }

  /** The single line shown to users. */
  toLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

export function isCodexError(value: unknown): value is CodexError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<CodexError>;
  return candidate.name === 'CodexError' && typeof candidate.code === 'string' && typeof candidate.message === 'string';
}

/** Node's system errors carry a `code` such as ENOENT. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as {code: unknown}).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Turns a file system failure into a one-line CodexError naming the path. */
export function fileError(path: string, error: unknown, action = 'read'): CodexError {
  const code = errnoCode(error);
  const reasons: Record<string, [string, string]> = {
    ENOENT: ['does not exist', 'check the path'],
    EACCES: ['permission denied', 'grant read permission or choose another path'],
    EPERM: ['operation not permitted', 'check the permissions of the path'],
    EISDIR: ['is a directory', 'pass a file'],
    ENOTDIR: ['a parent is not a directory', 'check the path'],
    ELOOP: ['has too many levels of symbolic links', 'fix the link'],
    ENOSPC: ['no space left on device', 'free disk space and retry'],
    EMFILE: ['too many open files', 'raise the open-file limit (ulimit -n)'],
  };
  const [what, hint] = (code && reasons[code]) ?? [error instanceof Error ? error.message : String(error), 'check the path'];
  return new CodexError(`E_FILE`, `cannot ${action} ${path}: ${what}`, {hint, exitCode: ExitCode.input, cause: error});
}
