import {closestMatch} from '@codex-ml/core';
import {type Hook, toConfiguredId} from '@oclif/core';

/**
 * "Did you mean" for mistyped commands, printed whether or not a terminal is attached (oclif's stock plugin
 * only suggests interactively, which leaves scripts and CI logs without a hint).
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const visible = options.config.commands.filter((command) => !command.hidden);
  const ids = [...visible.map((command) => command.id), ...visible.flatMap((command) => command.aliases)];
  const suggestion = closestMatch(options.id, ids);
  const typed = toConfiguredId(options.id, options.config);
  const hint = suggestion ? ` Did you mean "${toConfiguredId(suggestion, options.config)}"?` : '';
  this.error(`"${typed}" is not a ${options.config.bin} command.${hint} Run ${options.config.bin} help for the list.`, {exit: 127});
};

export default hook;
