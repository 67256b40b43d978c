import type {ManifestSummary} from '@codex-ml/core';

/**
 * The lineage of every stored run: edges from each run to the parents its manifest names. Parents that are
 * not stored (deleted, or never recorded) stay as ids without a summary. Traversals return ids sorted, so
 * outputs do not depend on store order.
 */
export class RunGraph {
  readonly #summaries = new Map<string, ManifestSummary>();
  readonly #children = new Map<string, string[]>();

  constructor(summaries: Iterable<ManifestSummary>) {
    for (const summary of summaries) this.#summaries.set(summary.runId, summary);
    for (const summary of this.#summaries.values()) {
      for (const parent of summary.parents) {
        const children = this.#children.get(parent) ?? [];
        children.push(summary.runId);
        this.#children.set(parent, children);
      }
    }
  }

  get size(): number {
    return this.#summaries.size;
  }

  summary(runId: string): ManifestSummary | undefined {
    return this.#summaries.get(runId);
  }

  /** Stored runs, oldest first. */
  runIds(): string[] {
    return [...this.#summaries.keys()].sort();
  }

  parents(runId: string): string[] {
    return [...new Set(this.#summaries.get(runId)?.parents ?? [])].sort();
  }

  children(runId: string): string[] {
    return [...new Set(this.#children.get(runId) ?? [])].sort();
  }

  /** Every run reachable through parents, excluding `runId` itself; cycles (a corrupt store) terminate. */
  ancestors(runId: string): string[] {
    return this.#walk([runId], (id) => this.parents(id)).filter((id) => id !== runId);
  }

  descendants(runId: string): string[] {
    return this.#walk([runId], (id) => this.children(id)).filter((id) => id !== runId);
  }

  /** The given runs and all their ancestors. */
  closure(runIds: Iterable<string>): Set<string> {
    return new Set(this.#walk([...runIds], (id) => this.parents(id)));
  }

  #walk(start: readonly string[], next: (runId: string) => readonly string[]): string[] {
    const seen = new Set<string>(start);
    const queue = [...start];
    for (let index = 0; index < queue.length; index++) {
      for (const id of next(queue[index] as string)) {
        if (!seen.has(id)) {
          seen.add(id);
          queue.push(id);
        }
      }
    }
    return [...seen].sort();
  }
}
