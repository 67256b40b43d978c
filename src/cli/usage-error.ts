import {CodexError, ExitCode, closestMatch} from '@codex-ml/core';

/** What a usage message needs to know about the command that was run. */
export interface CommandShape {
  readonly id: string;
  readonly flags: Readonly<Record<string, {readonly char?: string; readonly description?: string; readonly options?: readonly string[]}>>;
  readonly args: Readonly<Record<string, {readonly description?: string}>>;
}

interface ParseErrorShape {
  readonly message: string;
  readonly oclif?: {readonly exit?: number};
  /** RequiredArgsError: the missing arguments. */
  readonly args?: readonly ({readonly name?: string; readonly description?: string} | string)[];
  /** NonExistentFlagsError: the flags as typed. */
  readonly flags?: readonly string[];
  readonly constructor: {readonly name: string};
}

/**
 * oclif's argument and flag errors as one line that names the argument or flag and what it is: "missing
 * argument RUN (Training run id or directory)", "unknown flag --vocab-szie (did you mean --vocab-size?)",
 * "missing required flag --tokenizer (tokenizer.json to check)". Undefined for anything that is not one.
 */
export function usageError(error: unknown, command: CommandShape): CodexError | undefined {
  if (typeof error !== 'object' || error === null || typeof (error as {oclif?: unknown}).oclif !== 'object') return undefined;
  const parse = error as ParseErrorShape;
  if (parse.oclif?.exit === 0) return undefined;
  const see = `see codex ${command.id} --help`;
  const fail = (message: string, hint = see) => new CodexError('E_USAGE', message, {hint, exitCode: ExitCode.usage});
  switch (parse.constructor.name) {
    case 'RequiredArgsError': {
      const missing = (parse.args ?? []).flatMap((arg) => (typeof arg === 'string' ? [] : [arg]));
      const names = missing.map((arg) => `${(arg.name ?? '').toUpperCase()}${arg.description ? ` (${arg.description})` : ''}`);
      return fail(`missing argument${names.length === 1 ? '' : 's'} ${names.join(', ')}`, `usage: codex ${command.id} ${usage(command)}`);
    }
    case 'UnexpectedArgsError': {
      const extra = (parse.args ?? []).map((arg) => JSON.stringify(String(arg)));
      return fail(
        `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.join(', ')}`,
        `usage: codex ${command.id} ${usage(command)}`,
      );
    }
    case 'NonExistentFlagsError': {
      const known = Object.entries(command.flags).flatMap(([name, flag]) => [`--${name}`, ...(flag.char ? [`-${flag.char}`] : [])]);
      const named = (parse.flags ?? []).map((typed) => {
        const flag = typed.split('=')[0] ?? typed;
        const suggestion = closestMatch(flag, known);
        return `${flag}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
      });
      return fail(`unknown flag${named.length === 1 ? '' : 's'} ${named.join(', ')}`);
    }
    default:
      return fail(describeReasons(parse.message, command));
  }
}

/** `RUN [FLAGS]`: the arguments of a command, for the hint of an argument error. */
function usage(command: CommandShape): string {
  return [...Object.keys(command.args).map((name) => name.toUpperCase()), '[FLAGS]'].join(' ');
}

/**
 * Other parse errors (failed validations, bad values, exclusive flags) carry their reasons on later lines,
 * sometimes dimmed: all of them, plainly, on one line, each required flag with what it is.
 */
function describeReasons(message: string, command: CommandShape): string {
  const lines = stripAnsi(message)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See more help with/.test(line) && !/^The following errors? occurred:$/.test(line));
  const reasons = lines.map((line) => {
    const required = /^Missing required flag (\S+)$/.exec(line)?.[1];
    if (required === undefined) return line;
    const description = command.flags[required]?.description;
    return `missing required flag --${required}${description ? ` (${description})` : ''}`;
  });
  // "Parsing --seed" then "Expected an integer but received: x": one clause.
  const joined: string[] = [];
  for (const reason of reasons) {
    const previous = joined.at(-1);
    if (previous !== undefined && /^Parsing (--?\S+)$/.test(previous))
      joined[joined.length - 1] = `${previous.slice('Parsing '.length)}: ${lowerFirst(reason)}`;
    else joined.push(reason);
  }
  return joined.map(lowerFirst).join('; ') || 'invalid arguments';
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function stripAnsi(text: string): string {
  return text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
}
