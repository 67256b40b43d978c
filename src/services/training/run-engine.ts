import {BACKEND_CONFIG_KEYS, type Backends, type ResolvedConfig, type TrainingEngine, backendConfigBlock} from '@codex-ml/core';

/**
 * The engine a training run was trained with, selected and configured by the run's own config (its
 * `config.snapshot`), whatever the current config says: weights only load into the model that wrote them. An
 * engine other than the configured one, so it comes through `Backends`, created with the run's block; one no
 * longer installed is one line naming the run and the engine.
 */
export async function bindRunEngine(backends: Backends, runConfig: ResolvedConfig, runId: string): Promise<TrainingEngine> {
  const key = BACKEND_CONFIG_KEYS['training-engine'];
  const name = runConfig.get<string>(key);
  return await backends.open(
    'training-engine',
    name,
    `${key} of training run ${runId} (its config.snapshot)`,
    runConfig.section(backendConfigBlock('training-engine', name)),
  );
}
