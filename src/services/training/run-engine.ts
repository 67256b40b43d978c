import {BACKEND_CONFIG_KEYS, Kernel, type ResolvedConfig, type TrainingEngine} from '@codex-ml/core';
import {engineOptions} from './training-options.js';

/**
 * The engine a training run was trained with, selected and configured by the run's own config (its
 * `config.snapshot`), whatever the current config says: weights only load into the model that wrote them.
 * An engine no longer installed is one line naming the run and the engine.
 */
export async function bindRunEngine(kernel: Kernel, runConfig: ResolvedConfig, runId: string): Promise<TrainingEngine> {
  const key = BACKEND_CONFIG_KEYS['training-engine'];
  kernel.registry.require('training-engine', runConfig.get<string>(key), `${key} of training run ${runId} (its config.snapshot)`);
  const runKernel = new Kernel(kernel.registry, runConfig, kernel.container);
  return await runKernel.bind(
    'training-engine',
    engineOptions((name) => runConfig.get(name)),
  );
}
