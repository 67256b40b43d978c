import {CodexError, ExitCode} from '@codex-ml/core';

/**
 * Standard input as a stream of chunks, unless it is a terminal: a command that reads stdin only when given no
 * other input would otherwise wait silently for typing.
 */
export function stdinUnlessTerminal(alternatives: string): AsyncIterable<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new CodexError('E_USAGE', `no input: pass ${alternatives}, or pipe it on stdin`, {
      hint: 'see --help for examples',
      exitCode: ExitCode.usage,
    });
  }
  return process.stdin;
}
