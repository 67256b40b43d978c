import type {ResolvedConfig} from '@codex-ml/core';

/** The name and tags a run records in its manifest header (`run.name`, `run.tags`); nothing when unset. */
export interface RunLabels {
  readonly name?: string;
  readonly tags?: readonly string[];
}

/**
 * Labels from config (`--name`, `--tag` or `run.*` keys), as manifest header fields. Unset labels add no field,
 * so a run without labels records exactly what it recorded before labels existed.
 */
export function runLabels(config: ResolvedConfig): RunLabels {
  return labels(config.get<string>('run.name'), config.get<string[]>('run.tags'));
}

/** Labels from recorded config values (a training run's config snapshot), which may predate the keys. */
export function labelsOf(values: Readonly<Record<string, unknown>>): RunLabels {
  const run = values['run'] as {name?: unknown; tags?: unknown} | undefined;
  return labels(
    typeof run?.name === 'string' ? run.name : '',
    Array.isArray(run?.tags) ? run.tags.filter((tag): tag is string => typeof tag === 'string') : [],
  );
}

function labels(name: string, tags: readonly string[]): RunLabels {
  const unique = [...new Set(tags)].sort();
  return {...(name === '' ? {} : {name}), ...(unique.length === 0 ? {} : {tags: unique})};
}
