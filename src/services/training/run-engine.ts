import {Kernel, type ResolvedConfig, type TrainingEngine} from '@codex-ml/core';
import {engineOptions} from './training-options.js';

/**
 * The engine a training run was trained with, selected and configured by the run's own config (its
 * `config.snapshot`), whatever the current config says: weights only load into the model that wrote them.
 */
export async function bindRunEngine(kernel: Kernel, runConfig: ResolvedConfig): Promise<TrainingEngine> {
  const runKernel = new Kernel(kernel.registry, runConfig, kernel.container);
  return await runKernel.bind(
    'training-engine',
    engineOptions((key) => runConfig.get(key)),
  );
}
