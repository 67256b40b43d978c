/** The part of oclif's Config this needs. */
interface CommandFinder {
  findCommand(id: string): unknown;
  findTopic(id: string): unknown;
}

/**
 * `codex runs list …` as `codex runs:list …`: topics may be separated by a space as well as by the colon the
 * help shows. oclif would otherwise print the `runs` topic's help and exit 0, which a script takes for success;
 * a mistyped `codex runs lst` becomes `runs:lst`, which gets the unknown-command error and its did-you-mean.
 * `codex hash list` still hashes a file called list: `hash` is a command and `hash:list` is not.
 */
export function joinSpacedTopics(config: CommandFinder, argv: readonly string[]): string[] {
  const [first, second, ...rest] = argv;
  if (first === undefined || second === undefined || first.startsWith('-') || second.startsWith('-') || first.includes(':'))
    return [...argv];
  const id = `${first}:${second}`;
  if (config.findCommand(id) !== undefined) return [id, ...rest];
  const topicOnly = config.findCommand(first) === undefined && config.findTopic(first) !== undefined;
  return topicOnly ? [id, ...rest] : [...argv];
}
