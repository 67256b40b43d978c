import {BACKEND_CONFIG_KEYS, CodexError, ExitCode, type Kernel, type OptimizerFactory, servedEngine} from '@codex-ml/core';

/**
 * Refuses, before any work, an optimizer that serves another engine than `training.engine`: one line naming
 * both keys, their values and where they came from, and listing the optimizers the selected engine has.
 */
export async function requireOptimizerOfEngine(kernel: Kernel, optimizer: OptimizerFactory): Promise<void> {
  const engine = kernel.backendName('training-engine');
  const served = servedEngine(optimizer);
  if (served === engine) return;
  const key = BACKEND_CONFIG_KEYS.optimizer;
  const engineKey = BACKEND_CONFIG_KEYS['training-engine'];
  const candidates = await optimizersOf(kernel, engine);
  throw new CodexError(
    'E_OPTIMIZER_ENGINE',
    `${key} (from ${kernel.config.sourceOf(key)}): optimizer "${kernel.backendName('optimizer')}" serves the ${served} engine, ` +
      `not ${engine} (${engineKey}, from ${kernel.config.sourceOf(engineKey)})`,
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
async function optimizersOf(kernel: Kernel, engine: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of kernel.names('optimizer')) {
    const factory = await kernel.open('optimizer', name, 'training.optimizer.name').catch(() => undefined);
    if (factory && servedEngine(factory) === engine) names.push(name);
  }
  return names;
}
