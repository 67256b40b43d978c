import {createHash} from 'node:crypto';
import {CodexError, type SplitAssignment, type SplitRequest, type Splitter} from '@codex-ml/core';

/**
 * A correct splitter: ranks ids by SHA-256 of (seed, id), then cuts the ranking into largest-remainder sizes,
 * splits taken in name order so that the order of the ratios does not matter.
 */
export class FakeHashRankSplitter implements Splitter {
  readonly name = 'fake-rank';

  constructor(private readonly canonicalOrder = true) {}

  split(request: SplitRequest): SplitAssignment {
    validate(request);
    const ratios = [...request.ratios].sort((a, b) => (a.name < b.name ? -1 : 1));
    const key = (id: string) => createHash('sha256').update(`${request.seed}\u0000${id}`).digest('hex');
    const items = request.items.map((item) => ({id: item.id, key: key(item.id)}));
    if (this.canonicalOrder) items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
    const n = items.length;
    const sizes = ratios.map((ratio) => Math.floor(ratio.ratio * n));
    const byRemainder = ratios
      .map((ratio, i) => ({i, rest: ratio.ratio * n - (sizes[i] ?? 0)}))
      .sort((a, b) => b.rest - a.rest || a.i - b.i);
    for (let k = 0; k < n - sizes.reduce((a, b) => a + b, 0); k++) sizes[byRemainder[k]?.i ?? 0]! += 1;
    const membership = new Map<string, string>();
    let at = 0;
    ratios.forEach((ratio, i) => {
      for (let k = 0; k < (sizes[i] ?? 0); k++) membership.set(items[at++]?.id ?? '', ratio.name);
    });
    return {membership, params: {}};
  }
}

function validate(request: SplitRequest): void {
  const fail = (what: string) => {
    throw new CodexError('E_SPLIT', what);
  };
  if (request.items.length === 0) fail('no items');
  const sum = request.ratios.reduce((total, ratio) => total + ratio.ratio, 0);
  if (Math.abs(sum - 1) > 1e-9) fail(`ratios sum to ${sum}`);
  if (request.ratios.some((ratio) => !(ratio.ratio > 0))) fail('ratios must be positive');
  if (new Set(request.ratios.map((ratio) => ratio.name)).size !== request.ratios.length) fail('duplicate split names');
  if (new Set(request.items.map((item) => item.id)).size !== request.items.length) fail('duplicate ids');
  if (request.ratios.length > request.items.length) fail('more splits than items');
}
