/** `CODEX_` + key segments in SCREAMING_SNAKE_CASE: `training.optimizer.name` → `CODEX_TRAINING_OPTIMIZER_NAME`. */
export function envVariableFor(key: string): string {
  return `CODEX_${key
    .split('.')
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/-/g, '_')
        .toUpperCase(),
    )
    .join('_')}`;
}
