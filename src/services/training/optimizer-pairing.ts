import {
  BACKEND_CONFIG_KEYS,
  type Backends,
  CodexError,
  ExitCode,
  type OptimizerFactory,
  type ResolvedConfig,
  servedEngine,
} from '@codex-ml/core';

/**
 * Refuses, before any work, an optimizer that serves another engine than `training.engine`: one line naming
 * both keys, their values and where they came from, and listing the optimizers the selected engine has.
 */
export async function requireOptimizerOfEngine(config: ResolvedConfig, backends: Backends, optimizer: OptimizerFactory): Promise<void> {
  const engine = backends.selected('training-engine');
  const served = servedEngine(optimizer);
  if (served === engine) return;
  const key = BACKEND_CONFIG_KEYS.optimizer;
  const engineKey = BACKEND_CONFIG_KEYS['training-engine'];
  const candidates = await optimizersOf(backends, engine);
  throw new CodexError(
    'E_OPTIMIZER_ENGINE',
    `${key} (from ${config.sourceOf(key)}): optimizer "${backends.selected('optimizer')}" serves the ${served} engine, ` +
      `not ${engine} (${engineKey}, from ${config.sourceOf(engineKey)})`,
    {
      hint:
        candidates.length > 0
          ? `set ${key} to an optimizer of ${engine}: ${candidates.join(', ')}`
          : `no registered optimizer serves ${engine}; install the plugin that provides one (codex plugins:install)`,
      exitCode: ExitCode.config,
    },
  );
}

/** Registered optimizers that serve `engine`; loading them is the only way to read what they declare. */
async function optimizersOf(backends: Backends, engine: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of backends.names('optimizer')) {
    const factory = await backends.open('optimizer', name, 'training.optimizer.name').catch(() => undefined);
    if (factory && servedEngine(factory) === engine) names.push(name);
  }
  return names;
}
