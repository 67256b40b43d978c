import type {SplitAssignment, SplitItem, SplitRatio, SplitRequest, Splitter} from '../contracts/splitter.js';
import {isCodexError} from '../errors.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
  show,
} from './conformance-suite.js';
import {SeededRandom} from '../random/seeded-random.js';

export interface SplitterConformanceOptions {
  /** Names the implementation in test titles and messages, e.g. `splitter seeded`. */
  readonly name: string;
  readonly create: () => Splitter | Promise<Splitter>;
  /**
   * The implementation's documented size rule: each split holds `ratio × n` items within `tolerance × n`,
   * plus one for rounding. Default 0: exact largest-remainder sizes.
   */
  readonly tolerance?: number;
  /** Items of the dataset the checks split; default 1,000 plain ids (no labels or groups). */
  readonly items?: readonly SplitItem[];
  /** Backend parameters passed with every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly seed?: number;
}

export const SPLITTER_INVARIANTS = {
  deterministic: 'deterministic',
  orderIndependent: 'order independence',
  disjointUnion: 'complete and disjoint',
  seeds: 'different seeds give different partitions',
  ratios: 'ratio rules',
  badInput: 'invalid requests throw E_SPLIT',
} as const;

const RATIOS: readonly SplitRatio[] = [
  {name: 'train', ratio: 0.8},
  {name: 'validation', ratio: 0.1},
  {name: 'test', ratio: 0.1},
];

/** The invariants of the `Splitter` contract. */
export function splitterInvariants(options: SplitterConformanceOptions): Invariant[] {
  let splitter: Promise<Splitter> | undefined;
  const subject = async (): Promise<Splitter> => {
    splitter ??= Promise.resolve(options.create());
    return await splitter;
  };
  const seed = options.seed ?? 7;
  const items = options.items ?? Array.from({length: 1000}, (_, i) => ({id: `doc-${String(i).padStart(4, '0')}.txt`}));
  const request = (overrides: Partial<SplitRequest> = {}): SplitRequest => ({
    items,
    ratios: RATIOS,
    seed,
    ...(options.params ? {params: options.params} : {}),
    ...overrides,
  });
  const I = SPLITTER_INVARIANTS;
  return [
    {
      name: I.deterministic,
      async check() {
        const s = await subject();
        const first = s.split(request());
        const second = s.split(request());
        const fresh = (await Promise.resolve(options.create())).split(request());
        ensure(sameMembership(first, second), I.deterministic, `two identical requests (seed ${seed}) gave different memberships`);
        ensure(sameMembership(first, fresh), I.deterministic, 'a second instance gave another membership for the same request');
      },
    },
    {
      name: I.orderIndependent,
      async check() {
        const s = await subject();
        const base = s.split(request());
        const random = new SeededRandom(seed);
        for (let trial = 0; trial < 3; trial++) {
          const shuffled = s.split(request({items: random.shuffle(items)}));
          const moved = firstDifference(base, shuffled);
          ensure(moved === undefined, I.orderIndependent, `shuffling the items moved ${show(moved)} to another split`);
        }
        const reordered = s.split(request({ratios: [...RATIOS].reverse()}));
        const moved = firstDifference(base, reordered);
        ensure(moved === undefined, I.orderIndependent, `listing the ratios in another order moved ${show(moved)} to another split`);
      },
    },
    {
      name: I.disjointUnion,
      async check() {
        const s = await subject();
        const result = s.split(request());
        const names = new Set(RATIOS.map((ratio) => ratio.name));
        ensure(
          result.membership.size === items.length,
          I.disjointUnion,
          `membership has ${result.membership.size} entries for ${items.length} items`,
        );
        for (const item of items) {
          const split = result.membership.get(item.id);
          ensure(split !== undefined, I.disjointUnion, `item ${show(item.id)} is in no split`);
          ensure(names.has(split), I.disjointUnion, `item ${show(item.id)} is in ${show(split)}, which is not a requested split`);
        }
        ensure(
          typeof result.params === 'object' && result.params !== null,
          I.disjointUnion,
          'params (the effective parameters) is missing',
        );
      },
    },
    {
      name: I.seeds,
      async check() {
        const s = await subject();
        const a = s.split(request({seed}));
        const b = s.split(request({seed: seed + 1}));
        ensure(!sameMembership(a, b), I.seeds, `seeds ${seed} and ${seed + 1} gave the same partition of ${items.length} items`);
      },
    },
    {
      name: I.ratios,
      async check() {
        const s = await subject();
        const tolerance = options.tolerance ?? 0;
        const cases: readonly (readonly SplitRatio[])[] = [
          RATIOS,
          [
            {name: 'a', ratio: 0.5},
            {name: 'b', ratio: 0.5},
          ],
          [
            {name: 'big', ratio: 0.97},
            {name: 'small', ratio: 0.03},
          ],
          [{name: 'all', ratio: 1}],
        ];
        for (const ratios of cases) {
          const counts = countBySplit(s.split(request({ratios})));
          for (const {name, ratio} of ratios) {
            const size = counts.get(name) ?? 0;
            const target = ratio * items.length;
            ensure(
              Math.abs(size - target) <= tolerance * items.length + 1,
              I.ratios,
              `split ${show(name)} (ratio ${ratio}) holds ${size} of ${items.length} items, expected ${target.toFixed(1)} (tolerance ${tolerance})`,
            );
          }
        }
      },
    },
    {
      name: I.badInput,
      async check() {
        const s = await subject();
        const bad: ReadonlyArray<readonly [string, SplitRequest]> = [
          [
            'ratios summing to 0.9',
            request({
              ratios: [
                {name: 'train', ratio: 0.8},
                {name: 'test', ratio: 0.1},
              ],
            }),
          ],
          [
            'a negative ratio',
            request({
              ratios: [
                {name: 'train', ratio: 1.2},
                {name: 'test', ratio: -0.2},
              ],
            }),
          ],
          [
            'a zero ratio',
            request({
              ratios: [
                {name: 'train', ratio: 1},
                {name: 'test', ratio: 0},
              ],
            }),
          ],
          [
            'duplicate split names',
            request({
              ratios: [
                {name: 'train', ratio: 0.5},
                {name: 'train', ratio: 0.5},
              ],
            }),
          ],
          ['duplicate item ids', request({items: [...items.slice(0, 10), {id: items[0]?.id ?? 'x'}]})],
          ['no items', request({items: []})],
          ['more splits than items', request({items: items.slice(0, 2)})],
        ];
        for (const [what, badRequest] of bad) {
          let thrown: unknown;
          try {
            s.split(badRequest);
          } catch (error) {
            thrown = error;
          }
          ensure(thrown !== undefined, I.badInput, `a request with ${what} did not throw`);
          ensure(
            isCodexError(thrown) && thrown.code === 'E_SPLIT',
            I.badInput,
            `a request with ${what} threw ${describeError(thrown)}, expected a CodexError with code E_SPLIT`,
          );
        }
      },
    },
  ];
}

/** Registers the splitter suite with a test runner. */
export function splitterConformance(test: ConformanceTest, options: SplitterConformanceOptions): void {
  registerInvariants(test, options.name, splitterInvariants(options));
}

/** Runs the splitter suite without a test runner. */
export async function checkSplitter(options: SplitterConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, splitterInvariants(options));
}

function sameMembership(a: SplitAssignment, b: SplitAssignment): boolean {
  return a.membership.size === b.membership.size && firstDifference(a, b) === undefined;
}

function firstDifference(a: SplitAssignment, b: SplitAssignment): string | undefined {
  for (const [id, split] of a.membership) if (b.membership.get(id) !== split) return id;
  return undefined;
}

function countBySplit(result: SplitAssignment): Map<string, number> {
  const counts = new Map<string, number>();
  for (const split of result.membership.values()) counts.set(split, (counts.get(split) ?? 0) + 1);
  return counts;
}

function describeError(error: unknown): string {
  if (isCodexError(error)) return `CodexError ${error.code}`;
  return error instanceof Error ? `${error.name} (${error.message.split('\n')[0]})` : show(error);
}
