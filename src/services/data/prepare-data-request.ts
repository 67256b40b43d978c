import {runLabels} from '../runs/run-labels.js';
import {resolve} from 'node:path';
import {CodexError, ExitCode, type InvalidUtf8Policy, type ResolvedConfig, type SplitRatio} from '@codex-ml/core';
import type {DatasetFormat} from './dataset-item.js';
import {locateDataset} from './dataset-location.js';
import type {PrepareDataRequest} from './prepare-data-service.js';

/** The config snapshot a data manifest records. */
export function dataConfigSnapshot(config: ResolvedConfig): Record<string, unknown> {
  return {hasher: config.get('hasher'), manifestStore: config.get('manifest.store'), data: config.get('data')};
}

/**
 * The `prepare-data` request a resolved config describes: the same for the command, for each of its shards and
 * for a worker running one of them.
 */
export async function prepareDataRequest(
  config: ResolvedConfig,
  extras: Pick<PrepareDataRequest, 'reuse' | 'tools' | 'onProgress'> & {readonly config?: Readonly<Record<string, unknown>>},
): Promise<PrepareDataRequest> {
  const threads = config.get<number>('data.threads');
  return {
    dataset: {
      location: await locateDataset(config.get<string | null>('data.input'), config.get<DatasetFormat | 'auto'>('data.format')),
      jsonl: {
        idField: config.get<string>('data.jsonl.idField'),
        textField: config.get<string>('data.jsonl.textField'),
        labelField: config.get<string>('data.jsonl.labelField') || null,
        groupField: config.get<string>('data.jsonl.groupField') || null,
      },
      brown: {stripTags: config.get<boolean>('data.brown.stripTags')},
      labels: pathOrNull(config.get<string | null>('data.labels')),
      groups: pathOrNull(config.get<string | null>('data.groups')),
      onInvalidUtf8: config.get<InvalidUtf8Policy>('data.onInvalidUtf8'),
    },
    ratios: ratiosOf(config),
    seed: config.get<number>('data.seed'),
    runsDir: config.get<string>('runs.dir'),
    cacheDir: config.get<string>('cache.dir'),
    useCache: config.get<boolean>('data.cache'),
    threads: threads > 0 ? threads : undefined,
    inlineItems: config.get<number>('data.inlineItems'),
    reuse: extras.reuse,
    tools: extras.tools,
    config: extras.config ?? dataConfigSnapshot(config),
    labels: runLabels(config),
    onProgress: extras.onProgress,
  };
}

function ratiosOf(config: ResolvedConfig): SplitRatio[] {
  const names = config.get<string[]>('data.splits');
  const ratios = config.get<number[]>('data.ratios');
  if (names.length !== ratios.length) {
    throw new CodexError(
      'E_CONFIG',
      `data.splits names ${names.length} splits (${names.join(', ')}) but data.ratios gives ${ratios.length} ratios`,
      {
        hint: 'give one ratio per split name, e.g. --splits train,test --ratios 0.9,0.1',
        exitCode: ExitCode.config,
      },
    );
  }
  return names.map((name, i) => ({name, ratio: ratios[i] as number}));
}

function pathOrNull(value: string | null): string | null {
  return value === null || value === '' ? null : resolve(value);
}
