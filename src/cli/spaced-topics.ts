/** The part of oclif's Config this needs. */
interface CommandFinder {
  findCommand(id: string): unknown;
}

/**
 * `codex runs list …` as `codex runs:list …`: topics may be separated by a space as well as by the colon the
 * help shows. oclif would otherwise print the `runs` topic's help and exit 0, which a script takes for success.
 * Only a pair that names a command is joined, so `codex hash list` still hashes a file called list.
 */
export function joinSpacedTopics(config: CommandFinder, argv: readonly string[]): string[] {
  const [first, second, ...rest] = argv;
  if (first === undefined || second === undefined || first.startsWith('-') || second.startsWith('-') || first.includes(':'))
    return [...argv];
  if (config.findCommand(first) !== undefined) return [...argv];
  const id = `${first}:${second}`;
  return config.findCommand(id) === undefined ? [...argv] : [id, ...rest];
}
